import { afterAll, describe, expect, it } from 'vitest';
import { freePort, waitUntil } from '../../devtools/localStack';
import { statusOf } from '../harness/failure';
import {
  MailCatcher,
  mailQueueOf,
  mailQueueSettled,
  resetSubject,
  tokenIn,
  verificationSubject,
} from '../harness/mail';
import { recordingLogger } from '../harness/logger';
import { startTestServer } from '../harness/testServer';
import { newUser } from '../harness/users';

const appUrl = 'https://jobs-app.example';
/** Short waits between tries, so a test sees several of them; the doubling is the production rule. */
const retries = { mail_retry_delay_ms: 300, mail_attempts: 20 };

const running: { stop(): Promise<void> }[] = [];
afterAll(async () => {
  for (const thing of running.reverse()) await thing.stop().catch(() => undefined);
});

/** What the tests measured, printed at the end for the record. */
const figures: Record<string, Record<string, number>> = {};
afterAll(() => console.info(`Mail outage figures: ${JSON.stringify(figures, null, 1)}`));

type Logger = ReturnType<typeof recordingLogger>;
const lines = (logger: Logger, level: string, pattern: RegExp) =>
  logger.lines.filter((line) => line.level === level && pattern.test(line.message));

describe('mail during an SMTP outage', () => {
  it('answers 201 and 202 while SMTP is down, logs each failed try, and delivers each mail exactly once when it is back', async () => {
    const port = await freePort();
    const logger = recordingLogger();
    const server = await startTestServer(
      { smtp_url: `smtp://127.0.0.1:${port}`, app_url: appUrl, ...retries },
      { logger },
    );
    running.push(server);
    const client = server.client();
    const account = newUser();

    expect(await statusOf(client, 'POST', '/users', account)).toBe(201);
    expect(await statusOf(client, 'POST', '/password-resets', { email: account.email })).toBe(202);
    await waitUntil(
      async () => lines(logger, 'warn', /\(passwordReset\).*not sent \(attempt 2 of 20\).*ECONNREFUSED/).length > 0,
      30_000,
      'two failed tries of the reset mail in the log',
    );
    expect(lines(logger, 'error', /Mail /)).toEqual([]);

    const smtp = await MailCatcher.start({ port });
    running.push(smtp);
    const reset = await smtp.waitForMail(account.email, resetSubject);
    await smtp.waitForMail(account.email, verificationSubject);
    await mailQueueSettled(server.server);
    expect(
      smtp
        .mailsTo(account.email)
        .map((mail) => mail.subject)
        .sort(),
    ).toEqual(['Reset your node-jobs password', 'Verify your email for node-jobs']);
    expect(new Set(smtp.mails.map((mail) => mail.messageId)).size).toBe(smtp.mails.length);
    // The link works: it was made when the mail was sent.
    await client.passwordResets.confirm(tokenIn(reset, 'reset-password'), 'a passphrase after the outage');
    await client.sessions.login({ email: account.email, password: 'a passphrase after the outage' });

    figures.outage = {
      failedTriesLogged: lines(logger, 'warn', /not sent \(attempt/).length,
      delivered: smtp.mails.length,
      sentLogged: lines(logger, 'info', / sent to /).length,
      completedJobs: (await mailQueueOf(server.server).jobCounts()).completed,
    };
    expect(figures.outage.sentLogged).toBe(2);
  });

  it('keeps a mail across a restart of the server: a new server on the same Redis delivers it once', async () => {
    const port = await freePort();
    const firstLogger = recordingLogger();
    const first = await startTestServer(
      { smtp_url: `smtp://127.0.0.1:${port}`, app_url: appUrl, ...retries },
      { logger: firstLogger },
    );
    running.push(first);
    const account = newUser();
    expect(await statusOf(first.client(), 'POST', '/users', account)).toBe(201);
    expect(await statusOf(first.client(), 'POST', '/password-resets', { email: account.email })).toBe(202);
    await waitUntil(
      async () => lines(firstLogger, 'warn', /\(passwordReset\).*not sent \(attempt 1 of/).length > 0,
      30_000,
      'a failed try of the reset mail in the log',
    );
    await first.stop();

    const smtp = await MailCatcher.start({ port });
    running.push(smtp);
    const secondLogger = recordingLogger();
    const second = await startTestServer(
      {
        smtp_url: smtp.url,
        app_url: appUrl,
        ...retries,
        redis_key_prefix: first.config.redis_key_prefix,
        dynamodb_table_prefix: first.config.dynamodb_table_prefix,
        s3_bucket: first.config.s3_bucket,
      },
      { logger: secondLogger },
    );
    running.push(second);
    const reset = await smtp.waitForMail(account.email, resetSubject);
    await smtp.waitForMail(account.email, verificationSubject);
    await mailQueueSettled(second.server);
    expect(smtp.mailsTo(account.email)).toHaveLength(2);
    expect(lines(firstLogger, 'info', / sent to /)).toEqual([]);
    expect(lines(secondLogger, 'info', /\(passwordReset\) sent to /)).toHaveLength(1);
    await second.client().passwordResets.confirm(tokenIn(reset, 'reset-password'), 'a passphrase after a restart');

    figures.restart = {
      failedTriesBeforeRestart: lines(firstLogger, 'warn', /not sent \(attempt/).length,
      deliveredAfterRestart: smtp.mailsTo(account.email).length,
    };
  });

  it('gives up a mail refused with 550 after one try, logged once as an error, never retried', async () => {
    const smtp = await MailCatcher.start({ refuse: (address) => address.startsWith('refused') });
    running.push(smtp);
    const logger = recordingLogger();
    const server = await startTestServer(
      { smtp_url: smtp.url, app_url: appUrl, mail_retry_delay_ms: 300, mail_attempts: 5 },
      { logger },
    );
    running.push(server);
    const refused = newUser({ email: `refused${newUser().username}@example.com` });
    const accepted = newUser();

    expect(await statusOf(server.client(), 'POST', '/users', refused)).toBe(201);
    expect(await statusOf(server.client(), 'POST', '/users', accepted)).toBe(201);
    await smtp.waitForMail(accepted.email, verificationSubject);
    await waitUntil(async () => lines(logger, 'error', /given up/).length > 0, 30_000, 'the refusal in the log');
    await mailQueueSettled(server.server);

    const tries = smtp.recipients.filter((recipient) => recipient.address === refused.email);
    expect(tries).toEqual([{ address: refused.email, refused: true }]);
    const errors = lines(logger, 'error', /Mail /);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toMatch(
      /\(emailVerification\) to r\*\*\*@example\.com not sent, given up after 1 of 5 attempts/,
    );
    expect(errors[0]!.message).toMatch(/550/);
    expect(lines(logger, 'warn', /not sent \(attempt/)).toEqual([]);
    const counts = await mailQueueOf(server.server).jobCounts();
    expect(counts).toMatchObject({ failed: 1, delayed: 0, waiting: 0, active: 0 });

    figures.permanentRefusal = {
      smtpTries: tries.length,
      errorsLogged: errors.length,
      retriesLogged: lines(logger, 'warn', /not sent \(attempt/).length,
      failedJobs: counts.failed,
      delivered: smtp.mails.length,
    };
  });
});
