import { type Job, UnrecoverableError, Worker } from 'bullmq';
import type { Config } from '../../config/schema';
import type { AppLogger } from '../../libraries/appLogger';
import { messageOf } from '../../libraries/errors';
import type { RedisSettings } from '../../libraries/redis';
import type { MailJob, MailJobOf, MailKind } from './mail.jobs';
import { mailQueueName, mailQueuePrefix, mailRedisOptions } from './mail.queue';
import type { AddressedMail } from './mail.templates';
import { isPermanentRefusal, type MailTransport, smtpFailure } from './mail.transport';

/** What a composer makes of a job when it is sent: the mail, or why there is none to send. */
export type Composed = AddressedMail | { skipped: string };

/**
 * Turns each kind of job into its mail when it is sent (its token stored then, so a link is
 * valid from its sending, however long an outage delayed it).
 */
export type MailComposers = {
  [K in MailKind]: (job: MailJobOf<K>, jobId: string) => Promise<Composed>;
};

/** An address shown in logs: its first letter and its domain (`a***@example.com`). */
export function maskedAddress(address: string): string {
  const at = address.lastIndexOf('@');
  return at <= 0 ? '***' : `${address[0]}***${address.slice(at)}`;
}

/** A wait in words: `400 ms`, `30 s`, `17 min`. */
function durationText(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 120_000) return `${Math.round(ms / 1000)} s`;
  return `${Math.round(ms / 60_000)} min`;
}

export interface MailWorkerOptions {
  config: RedisSettings & Pick<Config, 'redis_key_prefix' | 'mail_from'>;
  transport: MailTransport;
  composers: MailComposers;
  logger: AppLogger;
  /** Mails sent at once by this process. */
  concurrency?: number;
}

/** Outcome a job completes with, kept in the completed job for inspection. */
type Sent = { sent: true } | { sent: false; skipped: string };

/**
 * Sends the queued mails. A job completes only once the SMTP server accepted its mail; until
 * then it stays in Redis and is retried with exponential backoff (`mail_attempts`,
 * `mail_retry_delay_ms`), on this process or any other, after a restart too. A permanent refusal
 * (5xx) fails the job at once. Every failure is logged: each retry as a warning, the end of a
 * mail as an error, once.
 */
export class MailWorker {
  private worker: Worker<MailJob, Sent> | undefined;
  private failing = false;

  constructor(private readonly options: MailWorkerOptions) {}

  /** Starts taking jobs from the queue. */
  start(): void {
    if (this.worker) return;
    const { config, logger } = this.options;
    const worker = new Worker<MailJob, Sent>(mailQueueName, (job) => this.process(job), {
      connection: mailRedisOptions(config, true),
      prefix: mailQueuePrefix(config),
      concurrency: this.options.concurrency ?? 4,
    });
    worker.on('failed', (job, error) => job && this.reportFailure(job, error));
    worker.on('completed', () => (this.failing = false));
    worker.on('error', (error) => {
      if (!this.failing) logger.warn(`The mail worker cannot reach Redis: ${messageOf(error)}`);
      this.failing = true;
    });
    this.worker = worker;
  }

  /**
   * Stops taking jobs and waits for the mails being sent, at most `graceMs`: a mail still being
   * sent then stays in the queue and is tried again by the next worker.
   */
  async close(graceMs = 5000): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)));
    await Promise.race([worker.close().catch(() => undefined), deadline]);
    clearTimeout(timer);
    this.options.transport.close();
  }

  private async process(job: Job<MailJob, Sent>): Promise<Sent> {
    const jobId = job.id!;
    const composed = await this.compose(job.data, jobId);
    if ('skipped' in composed) {
      this.options.logger.info(`Mail ${jobId} (${job.data.kind}): nothing to send, ${composed.skipped}.`);
      return { sent: false, skipped: composed.skipped };
    }
    try {
      await this.options.transport.send({ ...composed, messageId: this.messageId(jobId) });
    } catch (error) {
      // A 5xx will be refused again: the job ends now instead of being retried for hours.
      if (isPermanentRefusal(error)) throw new UnrecoverableError(`refused for good: ${smtpFailure(error)}`);
      throw new Error(smtpFailure(error), { cause: error });
    }
    this.options.logger.info(
      `Mail ${jobId} (${job.data.kind}) sent to ${maskedAddress(composed.to)} through ${this.options.transport.where}.`,
    );
    return { sent: true };
  }

  private compose(job: MailJob, jobId: string): Promise<Composed> {
    const { composers } = this.options;
    switch (job.kind) {
      case 'passwordReset':
        return composers.passwordReset(job, jobId);
      case 'emailVerification':
        return composers.emailVerification(job, jobId);
    }
  }

  /** The same `Message-ID` on every try of one job, in the sender's domain. */
  private messageId(jobId: string): string {
    const domain = /@([^>\s]+)>?\s*$/.exec(this.options.config.mail_from ?? '')?.[1] ?? 'node-jobs.invalid';
    return `<${jobId}@${domain}>`;
  }

  /** Logs a failed try: a warning when the mail will be tried again, an error when it is given up. */
  private reportFailure(job: Job<MailJob, Sent>, error: Error): void {
    const attempts = job.opts.attempts ?? 1;
    const what = `Mail ${job.id} (${job.data.kind}) to ${maskedAddress(job.data.email)}`;
    const where = this.options.transport.where;
    if (job.finishedOn !== undefined || error instanceof UnrecoverableError) {
      this.options.logger.error(
        `${what} not sent, given up after ${job.attemptsMade} of ${attempts} attempts through ${where}: ${error.message}`,
      );
      return;
    }
    this.options.logger.warn(
      `${what} not sent (attempt ${job.attemptsMade} of ${attempts}) through ${where}: ${error.message}; retrying in ${durationText(job.delay)}.`,
    );
  }
}
