import { Queue, type RedisOptions } from 'bullmq';
import type { Config } from '../../config/schema';
import type { AppLogger } from '../../libraries/appLogger';
import { messageOf, serviceUnavailable } from '../../libraries/errors';
import { ioredisLocation, redisConnectionOptions, type RedisSettings } from '../../libraries/redis';
import { type MailJob, type MailOutbox, newMailJobId } from './mail.jobs';

/** The name of the queue of mails; its keys are `<redis_key_prefix>bull:mail:…`. */
export const mailQueueName = 'mail';

/** BullMQ's key prefix for this server's Redis keys (BullMQ refuses ioredis' own `keyPrefix`). */
export function mailQueuePrefix(config: Pick<Config, 'redis_key_prefix'>): string {
  return `${config.redis_key_prefix}bull`;
}

/**
 * The connection settings of BullMQ, from the same configuration as every other Redis client.
 * @param blocking for a worker: no command timeout (it blocks while it waits for jobs)
 */
export function mailRedisOptions(config: RedisSettings, blocking: boolean): RedisOptions {
  return {
    ...ioredisLocation(redisConnectionOptions(config)),
    connectTimeout: 2000,
    retryStrategy: (attempt: number) => Math.min(200 * attempt, 2000),
    ...(blocking
      ? { maxRetriesPerRequest: null }
      : // A producer answers an HTTP request: it fails fast while Redis is away, never waits for it.
        { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: 2000 }),
  };
}

/** How a mail is retried (`mail_attempts`, `mail_retry_delay_ms`). */
export type MailRetries = Pick<Config, 'mail_attempts' | 'mail_retry_delay_ms'>;

/**
 * The outbox of the server: mails wait in a BullMQ queue in Redis until the worker has handed
 * them to the SMTP server, so they outlive an SMTP outage and a restart of the server. Nothing
 * connects until `connect()`.
 */
export class MailQueue implements MailOutbox {
  readonly delivers = true;
  /** Made by `connect()`: BullMQ connects as soon as a queue exists. */
  private queue: Queue<MailJob> | undefined;
  private failing = false;

  constructor(
    private readonly config: RedisSettings & Pick<Config, 'redis_key_prefix'> & MailRetries,
    private readonly logger: AppLogger,
  ) {}

  /** Connects to Redis. */
  async connect(): Promise<void> {
    this.queue ??= this.createQueue();
    await this.queue.waitUntilReady();
  }

  async post(job: MailJob): Promise<string> {
    const jobId = newMailJobId(job.kind);
    // A timed-out add may have reached Redis: the second try has the same id, so it is one job either way.
    for (let attempt = 1; ; attempt++) {
      try {
        await this.connected().add(job.kind, job, { jobId });
        this.failing = false;
        return jobId;
      } catch (error) {
        if (attempt < 2) continue;
        this.logger.error(`Mail ${jobId} (${job.kind}) could not be queued`, messageOf(error));
        throw Object.assign(serviceUnavailable('The mail queue (Redis) is unavailable; try again.'), { cause: error });
      }
    }
  }

  /** How many mails wait, are being sent, wait for a retry, were sent or were given up. */
  async jobCounts(): Promise<Record<'waiting' | 'active' | 'delayed' | 'completed' | 'failed', number>> {
    const counts = await this.connected().getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed');
    return counts as Record<'waiting' | 'active' | 'delayed' | 'completed' | 'failed', number>;
  }

  async close(): Promise<void> {
    await this.queue?.close();
  }

  private connected(): Queue<MailJob> {
    if (!this.queue) throw new Error('MailQueue: connect() was not called.');
    return this.queue;
  }

  private createQueue(): Queue<MailJob> {
    const queue = new Queue<MailJob>(mailQueueName, {
      connection: mailRedisOptions(this.config, false),
      prefix: mailQueuePrefix(this.config),
      defaultJobOptions: {
        attempts: this.config.mail_attempts,
        backoff: { type: 'exponential', delay: this.config.mail_retry_delay_ms },
        removeOnComplete: { age: 24 * 3600, count: 1000 },
        removeOnFail: { age: 7 * 24 * 3600 },
      },
    });
    // Reported to the caller of each command; an error event without a listener would end the process.
    queue.on('error', (error) => {
      if (!this.failing) this.logger.warn(`The mail queue cannot reach Redis: ${messageOf(error)}`);
      this.failing = true;
    });
    return queue;
  }
}

/**
 * The outbox without `smtp_url`: no mail is sent, and each is logged as not sent (never the
 * link). `dev` sets `smtp_url` to its local mail catcher.
 */
export class MailOff implements MailOutbox {
  readonly delivers = false;

  constructor(private readonly logger: AppLogger) {}

  post(job: MailJob): Promise<string> {
    const jobId = newMailJobId(job.kind);
    this.logger.warn(`Mail ${jobId} (${job.kind}) not sent: smtp_url is not set.`);
    return Promise.resolve(jobId);
  }

  async connect(): Promise<void> {}

  async close(): Promise<void> {}
}

/** The outbox `config` asks for: the queue when `smtp_url` is set, else `MailOff`; nothing connects yet. */
export function createMailOutbox(
  config: ConstructorParameters<typeof MailQueue>[0] & Pick<Config, 'smtp_url'>,
  logger: AppLogger,
): MailOutbox {
  return config.smtp_url === undefined ? new MailOff(logger) : new MailQueue(config, logger);
}
