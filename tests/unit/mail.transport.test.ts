import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startMailCatcher, type CaughtMailFile } from '../../devtools/localStack';
import { isLinkToken, linkToken } from '../../services/mail/mail.tokens';
import { createSmtpTransport, isPermanentRefusal, type OutgoingMail } from '../../services/mail/mail.transport';
import { maskedAddress } from '../../services/mail/mail.worker';
import { MailCatcher } from '../harness/mail';

const mail = (to: string): OutgoingMail => ({
  to,
  subject: 'Hello',
  text: 'Open https://app.example/verify-email?token=' + 'T'.repeat(43),
  html: '<p>hi</p>',
  messageId: '<job-1@jobs.example>',
});

/** Why a send failed (the rejection), or undefined when it was accepted. */
const sendFailure = (smtpUrl: string, to: string) =>
  createSmtpTransport(smtpUrl, 'Jobs <no-reply@jobs.example>')
    .send(mail(to))
    .then(
      () => undefined,
      (error: unknown) => error,
    );

describe('the SMTP transport', () => {
  let smtp: MailCatcher;
  beforeAll(async () => {
    smtp = await MailCatcher.start({ refuse: (address) => address.startsWith('gone') });
  });
  afterAll(async () => {
    await smtp?.stop();
  });

  it('resolves once the server accepted the mail, with its sender and Message-ID', async () => {
    expect(await sendFailure(smtp.url, 'ada@example.com')).toBeUndefined();
    const [received] = smtp.mailsTo('ada@example.com');
    expect(received).toMatchObject({
      from: 'no-reply@jobs.example',
      subject: 'Hello',
      messageId: '<job-1@jobs.example>',
    });
    expect(received!.text).toContain('T'.repeat(43));
  });

  it('counts a 550 as a permanent refusal', async () => {
    const error = await sendFailure(smtp.url, 'gone@example.com');
    expect(error).toMatchObject({ responseCode: 550 });
    expect(isPermanentRefusal(error)).toBe(true);
  });

  it('counts a server that is down, a 4xx and a refused login as worth another try', async () => {
    const down = await sendFailure(`smtp://127.0.0.1:${await freePort()}`, 'ada@example.com');
    expect(down).toMatchObject({ code: 'ESOCKET' });
    expect(isPermanentRefusal(down)).toBe(false);

    const busy = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onRcptTo: (_address, _session, callback) =>
        callback(Object.assign(new Error('Mailbox busy, try later'), { responseCode: 450 })),
    });
    const port = await freePort();
    await new Promise<void>((resolve) => busy.listen(port, '127.0.0.1', resolve));
    try {
      const later = await sendFailure(`smtp://127.0.0.1:${port}`, 'ada@example.com');
      expect(later).toMatchObject({ responseCode: 450 });
      expect(isPermanentRefusal(later)).toBe(false);
    } finally {
      await new Promise<void>((resolve) => busy.close(() => resolve()));
    }
    expect(isPermanentRefusal(Object.assign(new Error('Invalid login'), { code: 'EAUTH', responseCode: 535 }))).toBe(
      false,
    );
  });
});

describe('link tokens', () => {
  it('are 43 base64url characters, the same for one job and another for the next', () => {
    const token = linkToken('k'.repeat(40), 'passwordReset-1');
    expect(isLinkToken(token)).toBe(true);
    expect(linkToken('k'.repeat(40), 'passwordReset-1')).toBe(token);
    expect(linkToken('k'.repeat(40), 'passwordReset-2')).not.toBe(token);
    expect(linkToken('other-secret'.padEnd(40, '-'), 'passwordReset-1')).not.toBe(token);
    for (const bad of ['', 'short', `${token}=`, token.slice(1) + '/']) expect(isLinkToken(bad)).toBe(false);
  });

  it('show in logs as a masked address', () => {
    expect(maskedAddress('ada@example.com')).toBe('a***@example.com');
    expect(maskedAddress('nonsense')).toBe('***');
  });
});

describe('the mail catcher of dev', () => {
  it('writes each mail to a .eml file and tells its recipient, subject and link', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'mail-catcher-'));
    const caught: CaughtMailFile[] = [];
    const catcher = await startMailCatcher({ port: await freePort(), directory, onMail: (mail) => caught.push(mail) });
    try {
      expect(await sendFailure(`smtp://127.0.0.1:${catcher.port}`, 'grace@example.com')).toBeUndefined();
      expect(caught).toEqual([
        {
          to: ['grace@example.com'],
          subject: 'Hello',
          file: expect.stringMatching(/\.eml$/),
          link: `https://app.example/verify-email?token=${'T'.repeat(43)}`,
        },
      ]);
      expect(await readFile(caught[0]!.file, 'utf8')).toContain('Message-ID: <job-1@jobs.example>');
    } finally {
      await catcher.stop();
      await rm(directory, { recursive: true, force: true });
    }
  });
});
