import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { AppLogger } from './appLogger';
import { messageOf } from './errors';
import type { Redis } from './redis';

/**
 * A change of an account that open sockets must follow, on every server process:
 * - `sessionsEnded`: these sessions of the user ended (a logout, reuse of a refresh token, "end
 *   this session"), every token of them refused;
 * - `userTokensRevoked`: the user's token generation moved on to `generation` (log out everywhere, a
 *   password change or reset): every token of an earlier generation is refused;
 * - `userDeleted`: the user is gone, every token of it refused;
 * - `adminChanged`: the user became an admin or stopped being one.
 */
export type AccountEvent =
  | { type: 'sessionsEnded'; userId: string; sids: string[] }
  | { type: 'userTokensRevoked'; userId: string; generation: number }
  | { type: 'userDeleted'; userId: string }
  | { type: 'adminChanged'; userId: string; admin: boolean };

/** What travels on the channel: the event and the process that published it. */
interface Envelope {
  origin: string;
  event: AccountEvent;
}

/** The pub/sub channel of account events (channels are not key-prefixed by Redis clients, so the prefix is added here). */
export function accountEventsChannel(keyPrefix: string): string {
  return `${keyPrefix}account-events`;
}

function isAccountEvent(value: unknown): value is AccountEvent {
  const event = value as Record<string, unknown> | null;
  if (typeof event !== 'object' || event === null || typeof event.userId !== 'string') return false;
  switch (event.type) {
    case 'sessionsEnded':
      return Array.isArray(event.sids) && event.sids.every((sid) => typeof sid === 'string');
    case 'userTokensRevoked':
      return typeof event.generation === 'number';
    case 'userDeleted':
      return true;
    case 'adminChanged':
      return typeof event.admin === 'boolean';
    default:
      return false;
  }
}

/**
 * Account events over Redis pub/sub, which every deployment has (unlike the socket.io Redis
 * adapter, which is optional): a logout, a password change, a deletion or an admin change made by
 * one process — or by the CLI — reaches the sockets of every process. Listeners in the publishing
 * process hear the event at once, not after the round trip through Redis.
 */
export class AccountEvents {
  private readonly origin = randomUUID();
  private readonly local = new EventEmitter();
  private subscriber: Redis | undefined;

  /**
   * @param redis the connection to publish with (`listen()` duplicates it for subscribing)
   * @param logger where undeliverable messages are reported
   */
  constructor(
    private readonly redis: Redis,
    private readonly logger?: AppLogger,
  ) {}

  private get channel(): string {
    return accountEventsChannel(this.redis.keyPrefix);
  }

  /**
   * Tells every process, this one first.
   * @throws Error when Redis does not take the message (the change itself is already stored)
   */
  async publish(event: AccountEvent): Promise<void> {
    this.local.emit('event', event);
    await this.redis.publish(this.channel, JSON.stringify({ origin: this.origin, event } satisfies Envelope));
  }

  /** Calls `listener` with every event, from this process or another. Returns the unsubscribe. */
  on(listener: (event: AccountEvent) => void): () => void {
    this.local.on('event', listener);
    return () => void this.local.off('event', listener);
  }

  /**
   * Calls `listener` each time the subscription is back after it dropped (Redis restarted, the
   * connection was killed): events published meanwhile were lost, so what depends on them must be
   * checked again. Returns the unsubscribe.
   */
  onResubscribed(listener: () => void): () => void {
    this.local.on('resubscribed', listener);
    return () => void this.local.off('resubscribed', listener);
  }

  /** Subscribes to the other processes' events on a connection of its own (subscriber mode). */
  async listen(): Promise<void> {
    if (this.subscriber) return;
    this.subscriber = this.redis.duplicate();
    await this.subscriber.subscribe(
      this.channel,
      (message) => this.receive(message),
      () => {
        this.logger?.info('The account events subscription is back: checking every socket again.');
        this.local.emit('resubscribed');
      },
    );
  }

  private receive(message: string): void {
    try {
      const envelope = JSON.parse(message) as Partial<Envelope>;
      if (envelope.origin === this.origin || !isAccountEvent(envelope.event)) return;
      this.local.emit('event', envelope.event);
    } catch (error) {
      this.logger?.warn(`An account event could not be read: ${messageOf(error)}`);
    }
  }

  /** Stops listening and closes the subscriber connection. */
  async close(): Promise<void> {
    this.local.removeAllListeners();
    await this.subscriber?.quit();
  }
}
