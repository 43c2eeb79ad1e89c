import { randomUUID } from 'node:crypto';

/**
 * What one mail is about, as it waits in the queue. The message itself (and the token of its
 * link) is made by the worker when it sends it, so no link in clear ever sits in Redis.
 */
export type MailJob =
  { kind: 'passwordReset'; email: string } | { kind: 'emailVerification'; userId: string; email: string };

export type MailKind = MailJob['kind'];

/** The job of one kind. */
export type MailJobOf<K extends MailKind> = Extract<MailJob, { kind: K }>;

/** A new job id for one request: every try of that request keeps it, so adding it twice makes one job. */
export function newMailJobId(kind: MailKind): string {
  return `${kind}-${randomUUID()}`;
}

/** Where mails are queued: the outbox of the server (BullMQ over Redis), or none when `smtp_url` is not set. */
export interface MailOutbox {
  /** Whether queued mails are sent (false without `smtp_url`: they are only logged). */
  readonly delivers: boolean;
  /**
   * Queues one mail.
   * @returns the job id
   * @throws HttpError 503 when the queue (Redis) is unavailable
   */
  post(job: MailJob): Promise<string>;
  /** Connects to the queue (nothing connects before). */
  connect(): Promise<void>;
  close(): Promise<void>;
}
