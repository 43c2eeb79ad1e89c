import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { ConnectionOptions as TlsOptions } from 'node:tls';
import IORedis, { type RedisOptions } from 'ioredis';
import { ConfigError, type Config } from '../config/schema';
import { messageOf } from './errors';
import { SteadyConnector } from './redisConnector';

export interface RedisConnectionOptions {
  host: string;
  port: number;
  /** ACL user name; the `default` user when undefined. */
  username?: string | undefined;
  password?: string | undefined;
  /** Database number (`SELECT`); 0 when undefined. */
  database?: number | undefined;
  /** TLS settings (`rediss://`); plain TCP when undefined. */
  tls?: TlsOptions | undefined;
  /** Prefix of every key this client reads or writes. */
  keyPrefix: string;
  /** How long a command may wait for its reply; 2 s by default. */
  commandTimeoutMs?: number;
}

/** The configuration keys that say where Redis is and how to reach it. */
export type RedisSettings = Pick<
  Config,
  'redis_url' | 'redis_tls_ca' | 'redis_host' | 'redis_port' | 'redis_password' | 'redis_key_prefix'
>;

/** The authorities of `redis_tls_ca`, read once at start-up. */
function readTlsAuthorities(path: string): string {
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? messageOf(error);
    throw new ConfigError(
      'redis_tls_ca',
      `cannot read ${path} (${reason}); give the path of a PEM file of the authority that signed the Redis server's certificate.`,
    );
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----'))
    throw new ConfigError(
      'redis_tls_ca',
      `${path} holds no PEM certificate (-----BEGIN CERTIFICATE-----); give the authority's certificate in PEM form.`,
    );
  return pem;
}

/**
 * Where the configured Redis is and how to log in: `redis_url` when set, else `redis_host`,
 * `redis_port` and `redis_password`. A URL without a password takes `redis_password` (so a secret
 * store can hold the password apart from the address). A `rediss://` URL connects over TLS,
 * checking the server's certificate against `redis_tls_ca` or Node's default authorities.
 * @throws ConfigError naming `redis_tls_ca` and its path when that file cannot be read
 */
export function redisConnectionOptions(config: RedisSettings): RedisConnectionOptions {
  const url = config.redis_url;
  if (!url) {
    return {
      host: config.redis_host,
      port: config.redis_port,
      password: config.redis_password,
      keyPrefix: config.redis_key_prefix,
    };
  }
  return {
    host: url.host,
    port: url.port,
    username: url.username,
    password: url.password ?? config.redis_password,
    database: url.database,
    keyPrefix: config.redis_key_prefix,
    tls: url.tls
      ? {
          ...(config.redis_tls_ca === undefined ? {} : { ca: readTlsAuthorities(config.redis_tls_ca) }),
          // A host name is checked against the certificate by name (SNI too); an address by address.
          ...(isIP(url.host) ? {} : { servername: url.host }),
        }
      : undefined,
  };
}

/**
 * The ioredis options that say where Redis is and how to log in, for every client of the server
 * (its own, and BullMQ's): host, port, user, password, database and TLS, and the connector that
 * keeps a failed TLS socket's late errors from ending the process.
 */
export function ioredisLocation(settings: RedisConnectionOptions) {
  return {
    Connector: SteadyConnector,
    host: settings.host,
    port: settings.port,
    username: settings.username,
    password: settings.password,
    db: settings.database ?? 0,
    tls: settings.tls,
  };
}

/**
 * The client of the configured Redis: every connection the server and the CLI make (and their
 * `duplicate()`s for pub/sub and the socket.io adapter) is built from it, so all use the same settings.
 * Nothing connects until `connect()`.
 * @throws ConfigError when `redis_tls_ca` cannot be read
 */
export function createRedis(config: Config): Redis {
  return new Redis(redisConnectionOptions(config));
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

/** A Lua script, run atomically by `Redis.runScript` (by its SHA1 once the server knows it). */
export class RedisScript {
  /** The SHA1 `EVALSHA` names it by. */
  readonly sha: string;

  /** @param source the Lua source; keys it touches beyond `KEYS` must be built with the prefix passed to it */
  constructor(readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }
}

/** How long a subscriber waits before trying again to subscribe after a refusal. */
const resubscribeRetryMs = 500;

/** What a Redis server keeps on disk. */
export interface RedisPersistence {
  /** The append-only file is on (`appendonly yes`). */
  appendOnly: boolean;
  /** RDB snapshots are taken (`save` is not empty). */
  snapshots: boolean;
}

/** Why revoked tokens could come back with this Redis after a restart, or undefined when it keeps them on disk. */
export function persistenceWarning(persistence: RedisPersistence): string | undefined {
  if (!persistence.appendOnly && !persistence.snapshots) {
    return 'Redis keeps nothing on disk (appendonly no, no save points): a Redis restart would let logged-out tokens work again. Set appendonly yes and appendfsync everysec (see README, "Design notes": Revocation).';
  }
  return undefined;
}

/**
 * Why this Redis could lose revocation data when its memory is full, or undefined with
 * `noeviction`: every other `maxmemory-policy` may evict revoked tokens (`volatile-*` ones too,
 * since every revocation key has an expiry), and they would work again.
 */
export function evictionProblem(evictionPolicy: string): string | undefined {
  if (evictionPolicy === 'noeviction') return undefined;
  return `Redis may evict revocation data when its memory is full (maxmemory-policy ${evictionPolicy}): revoked tokens would work again. Set maxmemory-policy noeviction (on ElastiCache or MemoryDB, in the cluster's parameter group; see README, "Design notes": Revocation).`;
}

/** The TLS errors of a certificate chain that ends at no trusted authority. */
const untrustedCertificate = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
]);

/** Why a connection attempt failed, in words that say what to change. */
function connectFailure(where: string, options: RedisConnectionOptions, error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const reason = messageOf(error);
  if (options.tls && code !== undefined && untrustedCertificate.has(code))
    return `Redis at ${where} presents a TLS certificate that is not trusted (${reason}): set redis_tls_ca to the PEM file of the authority that signed it.`;
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID')
    return `Redis at ${where} presents a TLS certificate for another host (${reason}): connect by a name the certificate holds.`;
  if (/^(WRONGPASS|NOAUTH)/.test(reason))
    return `Redis at ${where} refused the login (${reason}): check the user name and password of redis_url (or redis_password).`;
  if (/DB index is out of range/.test(reason))
    return `Redis at ${where} has no database ${options.database ?? 0} (${reason}): change the database number of redis_url.`;
  const tlsHint = options.tls ? ' (check that it serves TLS on this port; redis:// is for one that does not)' : '';
  return `Redis is not reachable at ${where}: ${reason}${tlsHint}`;
}

/**
 * The only door to Redis. Commands fail fast while the server is unreachable (no offline queue),
 * so callers can answer 503 instead of hanging; the connection comes back by itself.
 */
export class Redis {
  /** The ioredis connection; only this file and adapters that need a raw client may use it. */
  readonly connection: IORedis;
  private readonly settings: RedisConnectionOptions;
  /** The first error the connection reported since `connect()` began: it rejects with a bare "Connection is closed." otherwise. */
  private connectError: unknown;

  /** @param settings where the server is, how to log in, and the key prefix; nothing connects until `connect()` */
  constructor(settings: RedisConnectionOptions) {
    this.settings = settings;
    this.connection = new IORedis({
      ...ioredisLocation(settings),
      keyPrefix: settings.keyPrefix,
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      // Also bounds the TLS handshake: ioredis waits for `secureConnect` under it.
      connectTimeout: 2000,
      // A server that is up but stalled must not hang requests: they answer 503 instead.
      commandTimeout: settings.commandTimeoutMs ?? 2000,
      retryStrategy: (attempt) => Math.min(50 * attempt, 1000),
    } satisfies RedisOptions);
    // Errors are reported to the command that hit them; without a listener ioredis would log each reconnect attempt.
    this.connection.on('error', (error: unknown) => (this.connectError ??= error));
  }

  /** The key prefix in force (raw clients such as the socket.io adapter need it). */
  get keyPrefix(): string {
    return this.settings.keyPrefix;
  }

  /** `host:port`, or `rediss://host:port` over TLS, for messages. */
  private get where(): string {
    const address = `${isIP(this.settings.host) === 6 ? `[${this.settings.host}]` : this.settings.host}:${this.settings.port}`;
    return this.settings.tls ? `rediss://${address}` : address;
  }

  /**
   * Connects; rejects with a message naming the server and what to change when it cannot be
   * reached, refuses the TLS handshake or the login, or has no such database.
   */
  async connect(): Promise<void> {
    if (this.connection.status !== 'wait' && this.connection.status !== 'end') return;
    this.connectError = undefined;
    try {
      await this.connection.connect();
    } catch (error) {
      throw new Error(connectFailure(this.where, this.settings, this.connectError ?? error), { cause: error });
    }
    // A SELECT that fails is only reported as an error event: the commands would then go to database 0.
    if (this.connectError !== undefined) {
      const failure = this.connectError;
      this.connection.disconnect();
      throw new Error(connectFailure(this.where, this.settings, failure), { cause: failure });
    }
  }

  /** A new, separate connection with the same settings (for pub/sub). */
  duplicate(): Redis {
    return new Redis(this.settings);
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
   * What the server keeps on disk, read with `CONFIG GET`; undefined when the server does not
   * allow `CONFIG` (managed Redis often renames or disables it).
   */
  async persistence(): Promise<RedisPersistence | undefined> {
    try {
      const settings = new Map<string, string>();
      for (const name of ['appendonly', 'save']) {
        const pair = (await this.connection.config('GET', name)) as string[];
        if (pair.length >= 2) settings.set(pair[0]!, pair[1]!);
      }
      if (!settings.has('appendonly')) return undefined;
      return {
        appendOnly: settings.get('appendonly') === 'yes',
        snapshots: (settings.get('save') ?? '').trim() !== '',
      };
    } catch {
      return undefined;
    }
  }

  /**
   * The server's `maxmemory-policy`: from `CONFIG GET`, else (managed Redis that refuses `CONFIG`)
   * from `INFO memory`; undefined when neither can be read.
   */
  async evictionPolicy(): Promise<string | undefined> {
    try {
      const [name, value] = (await this.connection.config('GET', 'maxmemory-policy')) as string[];
      if (name === 'maxmemory-policy' && value) return value;
    } catch {
      // Refused or renamed: INFO is allowed where CONFIG is not (ElastiCache, MemoryDB).
    }
    try {
      return /^maxmemory_policy:(\S+)/m.exec(await this.connection.info('memory'))?.[1];
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

  /** Reads a key and deletes it in one command (`GETDEL`, Redis 6.2+): of two takers, one gets the value. */
  async take(key: string): Promise<string | null> {
    return this.connection.getdel(key);
  }

  /** Publishes a message on a channel (channels are not prefixed: pass the full name). */
  async publish(channel: string, message: string): Promise<void> {
    await this.connection.publish(channel, message);
  }

  /**
   * Runs a Lua script atomically: `EVALSHA`, or `EVAL` when the server does not know the script
   * (its first use, or after a restart). The keys get the prefix like every other command's.
   */
  async runScript(script: RedisScript, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
    try {
      return await this.connection.evalsha(script.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!messageOf(error).startsWith('NOSCRIPT')) throw error;
      return this.connection.eval(script.source, keys.length, ...keys, ...args);
    }
  }

  /**
   * Puts this connection in subscriber mode on one channel. After a reconnection it subscribes
   * again, trying until the server accepts, and then calls `onResubscribed`: messages published
   * while it was away are lost, and the caller may want to catch up. Only `quit()` may be called
   * on it afterwards.
   */
  async subscribe(
    channel: string,
    onMessage: (message: string) => void,
    onResubscribed: () => void = () => undefined,
  ): Promise<void> {
    this.connection.on('message', (received: string, message: string) => {
      if (received === channel) onMessage(message);
    });
    // ioredis would resubscribe by itself, but leave a refusal unhandled and never try again.
    this.connection.options.autoResubscribe = false;
    await this.connect();
    await this.connection.subscribe(channel);
    this.connection.on('ready', () => void this.resubscribe(channel, onResubscribed));
  }

  /** Subscribes again after a reconnection, until the server accepts or the connection goes. */
  private async resubscribe(channel: string, onResubscribed: () => void): Promise<void> {
    while (this.connection.status === 'ready') {
      try {
        await this.connection.subscribe(channel);
        onResubscribed();
        return;
      } catch {
        // Refused (an ACL, a server still loading): the next attempt, unless the connection went.
        await new Promise((resolve) => setTimeout(resolve, resubscribeRetryMs).unref());
      }
    }
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
