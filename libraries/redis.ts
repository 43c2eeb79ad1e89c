import IORedis, { type RedisOptions } from 'ioredis';
import { messageOf } from './errors';

export interface RedisConnectionOptions {
  host: string;
  port: number;
  /** Prefix of every key this client reads or writes. */
  keyPrefix: string;
  /** How long a command may wait for its reply; 2 s by default. */
  commandTimeoutMs?: number;
}

/** Counts a hit and starts the window's expiry on the first one (or on a key left without expiry); returns the count and the ms left. */
const hitScript = `
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return { count, ttl }`;

/** What a Redis server keeps on disk, and how it evicts keys when its memory is full. */
export interface RedisPersistence {
  /** The append-only file is on (`appendonly yes`). */
  appendOnly: boolean;
  /** RDB snapshots are taken (`save` is not empty). */
  snapshots: boolean;
  /** `maxmemory-policy`. */
  evictionPolicy: string;
}

/**
 * Why revoked tokens could come back with this Redis, or undefined when it keeps them: nothing
 * on disk, or an eviction policy that may drop keys that have no expiry as well as those that do.
 */
export function persistenceWarning(persistence: RedisPersistence): string | undefined {
  if (!persistence.appendOnly && !persistence.snapshots) {
    return 'Redis keeps nothing on disk (appendonly no, no save points): a Redis restart would let logged-out tokens work again. Set appendonly yes and appendfsync everysec (see README, "Design notes": Revocation).';
  }
  if (persistence.evictionPolicy.startsWith('allkeys-')) {
    return `Redis evicts any key when its memory is full (maxmemory-policy ${persistence.evictionPolicy}): revoked tokens could be evicted and work again. Use noeviction or a volatile-* policy (see README, "Design notes": Revocation).`;
  }
  return undefined;
}

/**
 * The only door to Redis. Commands fail fast while the server is unreachable (no offline queue),
 * so callers can answer 503 instead of hanging; the connection comes back by itself.
 */
export class Redis {
  /** The ioredis connection; only this file and adapters that need a raw client may use it. */
  readonly connection: IORedis;
  private readonly options: RedisOptions;

  /**
   * @param password the Redis password (`redis_password`), or undefined for none
   * @param options where the server is and the key prefix; nothing connects until `connect()`
   */
  constructor(password: string | undefined, options: RedisConnectionOptions) {
    this.options = {
      host: options.host,
      port: options.port,
      password,
      keyPrefix: options.keyPrefix,
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 2000,
      // A server that is up but stalled must not hang requests: they answer 503 instead.
      commandTimeout: options.commandTimeoutMs ?? 2000,
      retryStrategy: (attempt) => Math.min(50 * attempt, 1000),
    };
    this.connection = new IORedis(this.options);
    // Errors are reported to the command that hit them; without a listener ioredis would log each reconnect attempt.
    this.connection.on('error', () => undefined);
  }

  /** The key prefix in force (raw clients such as the socket.io adapter need it). */
  get keyPrefix(): string {
    return this.options.keyPrefix ?? '';
  }

  /** Connects; rejects with a message naming the server when it cannot be reached. */
  async connect(): Promise<void> {
    if (this.connection.status !== 'wait' && this.connection.status !== 'end') return;
    try {
      await this.connection.connect();
    } catch (error) {
      throw new Error(`Redis is not reachable at ${this.options.host}:${this.options.port}: ${messageOf(error)}`, {
        cause: error,
      });
    }
  }

  /** A new, separate connection with the same settings (for pub/sub). */
  duplicate(): Redis {
    return new Redis(this.options.password, {
      host: this.options.host ?? '127.0.0.1',
      port: this.options.port ?? 6379,
      keyPrefix: this.keyPrefix,
    });
  }

  /**
   * The raw connection for a publisher that never awaits its publishes (the socket.io Redis
   * adapter): a publish that fails while Redis is away goes to `onFailure` (once per outage)
   * instead of becoming an unhandled rejection that would end the process.
   */
  publisherConnection(onFailure: (error: unknown) => void): IORedis {
    let failing = false;
    const publish = (channel: string | Buffer, message: string | Buffer): Promise<number> =>
      this.connection.publish(channel, message).then(
        (receivers) => {
          failing = false;
          return receivers;
        },
        (error: unknown) => {
          if (!failing) onFailure(error);
          failing = true;
          return 0;
        },
      );
    return new Proxy(this.connection, {
      get(target, property) {
        if (property === 'publish') return publish;
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
  }

  /**
   * What the server keeps on disk and evicts, read with `CONFIG GET`; undefined when the server
   * does not allow `CONFIG` (managed Redis often renames or disables it).
   */
  async persistence(): Promise<RedisPersistence | undefined> {
    try {
      const settings = new Map<string, string>();
      for (const name of ['appendonly', 'save', 'maxmemory-policy']) {
        const pair = (await this.connection.config('GET', name)) as string[];
        if (pair.length >= 2) settings.set(pair[0]!, pair[1]!);
      }
      if (!settings.has('appendonly')) return undefined;
      return {
        appendOnly: settings.get('appendonly') === 'yes',
        snapshots: (settings.get('save') ?? '').trim() !== '',
        evictionPolicy: settings.get('maxmemory-policy') ?? 'noeviction',
      };
    } catch {
      return undefined;
    }
  }

  /** Answers when the server is reachable. */
  async ping(): Promise<void> {
    await this.connection.ping();
  }

  /**
   * Stores a string value.
   * @param ttlMs expiry in milliseconds; none when omitted
   */
  async set(key: string, value: string, ttlMs?: number): Promise<void> {
    if (ttlMs === undefined) await this.connection.set(key, value);
    else await this.connection.set(key, value, 'PX', Math.max(1, Math.ceil(ttlMs)));
  }

  /** The values of several keys in one command (`MGET`): null for each missing key. */
  async getMany(keys: readonly string[]): Promise<(string | null)[]> {
    return this.connection.mget(...keys);
  }

  /** Publishes a message on a channel (channels are not prefixed: pass the full name). */
  async publish(channel: string, message: string): Promise<void> {
    await this.connection.publish(channel, message);
  }

  /**
   * Puts this connection in subscriber mode on one channel; it resubscribes by itself after a
   * reconnection. Only `quit()` may be called on it afterwards.
   */
  async subscribe(channel: string, onMessage: (message: string) => void): Promise<void> {
    this.connection.on('message', (received: string, message: string) => {
      if (received === channel) onMessage(message);
    });
    await this.connect();
    await this.connection.subscribe(channel);
  }

  /**
   * Counts a hit in a fixed window: increments `key`, starting its expiry on the first hit.
   * @returns the count so far and the milliseconds until the window ends
   */
  async hit(key: string, windowMs: number): Promise<{ count: number; resetMs: number }> {
    // One script, so it is atomic; only commands of Redis 2.6+ (PEXPIRE … NX inside MULTI needs Redis 7).
    const [count, ttl] = (await this.connection.eval(hitScript, 1, key, Math.max(1, Math.ceil(windowMs)))) as [
      number,
      number,
    ];
    return { count, resetMs: ttl > 0 ? ttl : windowMs };
  }

  /** Closes the connection, letting queued replies arrive first. */
  async quit(): Promise<void> {
    if (this.connection.status === 'end' || this.connection.status === 'wait') {
      this.connection.disconnect();
      return;
    }
    try {
      await this.connection.quit();
    } catch {
      this.connection.disconnect();
    }
  }
}
