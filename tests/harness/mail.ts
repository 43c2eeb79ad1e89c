import { SMTPServer, type SMTPServerAddress } from 'smtp-server';
import { freePort, waitUntil } from '../../devtools/localStack';
import type { NodeJobsServer } from '../../index';
import type { MailQueue } from '../../services/mail/mail.queue';

/** A mail as the test SMTP server received it, its MIME parts decoded. */
export interface CaughtMail {
  from: string;
  /** The envelope's recipients. */
  to: string[];
  subject: string;
  messageId: string;
  /** The text/plain part. */
  text: string;
  /** The text/html part ('' when there is none). */
  html: string;
  raw: string;
}

export interface MailCatcherOptions {
  /** The port to listen on (to come back where a server expects it); a free one by default. */
  port?: number;
  /** Recipients refused for good (550 at `RCPT TO`). */
  refuse?: (address: string) => boolean;
}

/** Header fields of a MIME entity, names lower-cased, folded lines joined. */
function headersOf(head: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) fields.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return fields;
}

/** Splits an entity into its header fields and its body. */
function splitEntity(entity: string): { headers: Map<string, string>; body: string } {
  const end = /\r?\n\r?\n/.exec(entity);
  if (!end) return { headers: headersOf(entity), body: '' };
  return { headers: headersOf(entity.slice(0, end.index)), body: entity.slice(end.index + end[0].length) };
}

/** Decodes a body by its `Content-Transfer-Encoding`. */
function decodeBody(body: string, encoding: string | undefined): string {
  switch (encoding?.toLowerCase()) {
    case 'quoted-printable':
      return Buffer.from(
        body
          .replace(/=\r?\n/g, '')
          .replace(/=([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))),
        'latin1',
      ).toString('utf8');
    case 'base64':
      return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
    default:
      return body;
  }
}

/** The text and HTML parts of a message (single part, or multipart/alternative as nodemailer writes it). */
function partsOf(headers: Map<string, string>, body: string): { text: string; html: string } {
  const type = headers.get('content-type') ?? 'text/plain';
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (!type.toLowerCase().startsWith('multipart/') || !boundary) {
    const decoded = decodeBody(body, headers.get('content-transfer-encoding'));
    return type.toLowerCase().startsWith('text/html') ? { text: '', html: decoded } : { text: decoded, html: '' };
  }
  const parts = body.split(`--${boundary}`).slice(1, -1);
  const found = { text: '', html: '' };
  for (const part of parts) {
    const entity = splitEntity(part.replace(/^\r?\n/, ''));
    const inner = partsOf(entity.headers, entity.body.replace(/\r?\n$/, ''));
    found.text ||= inner.text;
    found.html ||= inner.html;
  }
  return found;
}

/** Reads a raw message as the SMTP server received it. */
export function parseMail(raw: string, envelopeTo: string[], envelopeFrom: string): CaughtMail {
  const { headers, body } = splitEntity(raw);
  return {
    from: envelopeFrom,
    to: envelopeTo,
    subject: headers.get('subject') ?? '',
    messageId: headers.get('message-id') ?? '',
    ...partsOf(headers, body),
    raw,
  };
}

/**
 * A real SMTP server for the tests (`smtp-server`, on loopback): it keeps every mail it accepts,
 * every recipient it is offered (refused ones too), and can refuse recipients with 550.
 */
export class MailCatcher {
  private constructor(
    private readonly server: SMTPServer,
    readonly port: number,
    readonly mails: CaughtMail[],
    /** Every `RCPT TO` offered, in order. */
    readonly recipients: { address: string; refused: boolean }[],
  ) {}

  /** Starts a catcher on `options.port` or a free port. */
  static async start(options: MailCatcherOptions = {}): Promise<MailCatcher> {
    const port = options.port ?? (await freePort());
    const mails: CaughtMail[] = [];
    const recipients: { address: string; refused: boolean }[] = [];
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onRcptTo(address: SMTPServerAddress, _session, callback) {
        const refused = options.refuse?.(address.address) ?? false;
        recipients.push({ address: address.address, refused });
        if (!refused) return callback();
        callback(Object.assign(new Error('No such mailbox here'), { responseCode: 550 }));
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const to = session.envelope.rcptTo.map((recipient) => recipient.address);
          const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
          mails.push(parseMail(Buffer.concat(chunks).toString('utf8'), to, from));
          callback();
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    // A client that drops its connection is an error event; without a listener it would end the test run.
    server.on('error', () => undefined);
    return new MailCatcher(server, port, mails, recipients);
  }

  /** `smtp://127.0.0.1:<port>`, the `smtp_url` of a server sending here. */
  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  /** The mails received for `address` (ignoring case). */
  mailsTo(address: string): CaughtMail[] {
    return this.mails.filter((mail) => mail.to.some((to) => to.toLowerCase() === address.toLowerCase()));
  }

  /**
   * The `count`-th mail (1 = the first) to `address` whose subject matches, once it arrived.
   * @throws Error when it does not arrive within `timeoutMs`
   */
  async waitForMail(address: string, subject: RegExp, count = 1, timeoutMs = 30_000): Promise<CaughtMail> {
    const matching = () => this.mailsTo(address).filter((mail) => subject.test(mail.subject));
    await waitUntil(async () => matching().length >= count, timeoutMs, `mail #${count} ${subject} to ${address}`);
    return matching()[count - 1]!;
  }

  /** Stops listening and ends open connections. */
  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** The link to `page` in a mail's text, with its token. */
export function linkIn(mail: CaughtMail, page: 'reset-password' | 'verify-email'): URL {
  const found = new RegExp(`https?://\\S+/${page}\\?token=[A-Za-z0-9_%-]+`).exec(mail.text)?.[0];
  if (!found) throw new Error(`No ${page} link in the mail "${mail.subject}":\n${mail.text}`);
  return new URL(found);
}

/** The token of the link to `page` in a mail. */
export function tokenIn(mail: CaughtMail, page: 'reset-password' | 'verify-email'): string {
  return linkIn(mail, page).searchParams.get('token')!;
}

/** Subjects of the two kinds of mail. */
export const resetSubject = /reset your node-jobs password/i;
export const verificationSubject = /verify your email/i;

/** The mail queue of a server started with `smtp_url`. */
export function mailQueueOf(server: NodeJobsServer): MailQueue {
  return server.clients.mailOutbox as MailQueue;
}

/**
 * Waits until the server's mail queue has nothing waiting, being sent or waiting for a retry.
 * @throws Error when it does not within `timeoutMs`
 */
export async function mailQueueSettled(server: NodeJobsServer, timeoutMs = 30_000): Promise<void> {
  await waitUntil(
    async () => {
      const counts = await mailQueueOf(server).jobCounts();
      return counts.waiting + counts.active + counts.delayed === 0;
    },
    timeoutMs,
    'the mail queue to settle',
  );
}
