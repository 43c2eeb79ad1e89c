import nodemailer from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import { messageOf } from '../../libraries/errors';
import type { AddressedMail } from './mail.templates';

/** A mail as it is handed to the SMTP server: with its `Message-ID`, the same on every try. */
export interface OutgoingMail extends AddressedMail {
  messageId: string;
}

/** Sends mails; the promise resolves only once the server accepted the message. */
export interface MailTransport {
  /** `smtp://host:port` without credentials, for messages. */
  readonly where: string;
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

/** How long each step of an SMTP conversation may take: nothing waits forever. */
const smtpTimeouts = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000, dnsTimeout: 5_000 };

/** An SMTP URL without its user info, for messages. */
function withoutCredentials(smtpUrl: string): string {
  const url = new URL(smtpUrl);
  return `${url.protocol}//${url.host}`;
}

/**
 * A transport over SMTP (`smtp://` with STARTTLS when offered, `smtps://` with TLS), one connection
 * per mail; every step has a timeout.
 * @param from the sender of every mail (`mail_from`)
 */
export function createSmtpTransport(smtpUrl: string, from: string): MailTransport {
  // The URL's settings (host, port, TLS, credentials) win; the timeouts fill in.
  const transporter = nodemailer.createTransport({ url: smtpUrl, ...smtpTimeouts } satisfies SMTPTransport.Options);
  return {
    where: withoutCredentials(smtpUrl),
    async send(mail) {
      await transporter.sendMail({
        from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        messageId: mail.messageId,
      });
    },
    close: () => transporter.close(),
  };
}

/**
 * Whether the SMTP server refused a mail for good: a 5xx reply (unknown mailbox, rejected
 * sender, message refused). A refused login (`EAUTH`, 535) is a setting to fix and is retried,
 * like 4xx replies and connection failures.
 */
export function isPermanentRefusal(error: unknown): boolean {
  const { responseCode, code } = error as { responseCode?: number; code?: string };
  return typeof responseCode === 'number' && responseCode >= 500 && responseCode < 600 && code !== 'EAUTH';
}

/** Why a mail was not sent, in one line: the SMTP reply or the connection error. */
export function smtpFailure(error: unknown): string {
  const { responseCode, code } = error as { responseCode?: number; code?: string };
  const label = [code, responseCode].filter((part) => part !== undefined).join(' ');
  return label ? `${label}: ${messageOf(error)}` : messageOf(error);
}
