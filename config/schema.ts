/**
 * Every configuration key, declared once: its kind (type and bounds), default, and meaning. The
 * `Config` type, the accepted keys, the validation, the command-line options, the README's
 * configuration table and `config/secrets.json.example` all follow from `settings` (see README.md,
 * section "Configuration"). A bad value throws `ConfigError` naming the key.
 */
import { z } from 'zod';
import {
  duration,
  flag,
  httpUrl,
  isBlank,
  longText,
  metricsMode,
  oneOf,
  optional,
  processCount,
  redisUrl,
  smtpUrl,
  text,
  trustProxy,
  wholeNumber,
  type Kind,
} from './kinds';

export { parseDuration } from './kinds';

export const jobsProviders = ['sample', 'github', 'arbeitnow', 'remotive'] as const;
export type JobsProviderName = (typeof jobsProviders)[number];

/** The `app_key` of `config/secrets.json.example`: public, so refused in every environment. */
export const exampleAppKey = 'change-me-to-a-long-random-secret-of-32-chars-or-more';

/** A default that depends on NODE_ENV. */
export interface ByEnvironment<Raw> {
  development: Raw | undefined;
  production: Raw | undefined;
}

/** One configuration key. */
export interface Setting<T, Raw> {
  readonly kind: Kind<T, Raw>;
  /** The raw value used when no source sets the key; none makes the key required (or unset, when optional). */
  readonly default?: Raw | ByEnvironment<Raw>;
  /** One line for the README: what the key is for. */
  readonly meaning: string;
  /** For the docs: what an unset optional key means (`AWS`). */
  readonly unset?: string;
  /** The value `config/secrets.json.example` shows when it is not the default. */
  readonly example?: Raw | '';
  /** Never echoed in an error message. */
  readonly secret?: true;
  /** A short command-line flag, such as `-p`. */
  readonly short?: string;
  /** A sentence added to the error when the key is required and missing: how to make a value. */
  readonly whenMissing?: string;
}

const setting = <T, Raw>(declared: Setting<T, Raw>): Setting<T, Raw> => declared;

/** Every key a user can set, in the order of the README's table. */
export const settings = {
  port: setting({
    kind: wholeNumber(0, 65535),
    default: 3000,
    short: '-p',
    meaning: 'HTTP and socket.io port (0 = any free port)',
  }),
  host: setting({ kind: text, default: '0.0.0.0', meaning: 'bind address' }),
  app_key: setting({
    kind: longText(32),
    example: exampleAppKey,
    secret: true,
    whenMissing: 'A secret of 32 characters or more, e.g. from: openssl rand -hex 32.',
    meaning: 'HMAC secret for the tokens; the example value is refused',
  }),
  token_ttl: setting({
    kind: duration,
    default: '15m',
    meaning:
      'token lifetime: how long an access token is accepted (`90s`, `30m`, `4h`, `2d` or seconds); clients renew it with their refresh token',
  }),
  refresh_token_ttl: setting({
    kind: duration,
    default: '30d',
    meaning: 'how long a session (its refresh token) lasts without being refreshed; each refresh starts it again',
  }),
  bcrypt_rounds: setting({ kind: wholeNumber(4, 15), default: 10, meaning: 'bcrypt cost' }),
  redis_url: setting({
    kind: optional(redisUrl),
    example: '',
    secret: true,
    meaning:
      'Redis as `redis[s]://[user[:password]@]host[:port][/database]`, e.g. `rediss://default:secret@cache.example:6380/2`; `rediss://` is TLS (ElastiCache, MemoryDB); when set, replaces `redis_host` and `redis_port`, and `redis_password` unless it has no password (a secret store may then hold the password alone)',
  }),
  redis_tls_ca: setting({
    kind: optional(text),
    unset: "Node's default authorities",
    example: '',
    meaning:
      "PEM file of the authorities that may sign the Redis server's certificate (with a `rediss://` `redis_url`)",
  }),
  redis_host: setting({ kind: text, default: '127.0.0.1', meaning: 'Redis server address' }),
  redis_port: setting({ kind: wholeNumber(1, 65535), default: 6379, meaning: 'Redis server port' }),
  redis_password: setting({
    kind: optional(text),
    unset: 'none',
    example: '',
    secret: true,
    meaning: 'Redis password',
  }),
  redis_key_prefix: setting({ kind: text, default: 'nodeLessons-', meaning: 'prefix of every Redis key' }),
  dynamodb_endpoint: setting({
    kind: optional(httpUrl),
    unset: 'AWS',
    meaning: 'DynamoDB-compatible endpoint (`dev` passes its DynamoDB Local itself)',
  }),
  dynamodb_table_prefix: setting({ kind: text, default: 'nodeLessons-', meaning: 'table name prefix' }),
  dynamodb_create_tables: setting({
    kind: flag,
    default: { development: true, production: false },
    meaning: 'create missing tables and indexes at start-up',
  }),
  dynamodb_timeout_ms: setting({
    kind: wholeNumber(100, 60_000),
    default: 3000,
    meaning: 'longest a DynamoDB call may take, retries included; past it the request answers 503',
  }),
  aws_region: setting({
    kind: text,
    default: 'eu-central-1',
    meaning: 'AWS region; credentials come from the standard AWS chain',
  }),
  s3_bucket: setting({ kind: text, default: 'nodelessons-profile-images', meaning: 'bucket of profile images' }),
  s3_endpoint: setting({
    kind: optional(httpUrl),
    unset: 'AWS',
    meaning: 'S3-compatible endpoint (`dev` passes its local S3 itself)',
  }),
  s3_public_url: setting({
    kind: optional(httpUrl),
    unset: 'none',
    meaning:
      "where the bucket's objects are served publicly (e.g. a CloudFront domain): a user's `image` is then `<s3_public_url>/profile-images/<id>` instead of the API's `/users/<id>/image`",
  }),
  jobs_provider: setting({
    kind: oneOf(jobsProviders),
    default: 'sample',
    meaning:
      '`sample` (bundled offline data set), `github` (any GitHub-Jobs-compatible `positions.json`), `arbeitnow`, `remotive`',
  }),
  jobs_api_url: setting({
    kind: optional(httpUrl),
    unset: "the provider's public URL",
    example: '',
    meaning: 'upstream URL (required for `github`)',
  }),
  jobs_cache_ttl_s: setting({
    kind: wholeNumber(0, 86400 * 7),
    default: 300,
    meaning: 'how long a search result is reused',
  }),
  jobs_timeout_ms: setting({ kind: wholeNumber(1, 120_000), default: 5000, meaning: 'upstream timeout' }),
  random_job_interval_ms: setting({
    kind: wholeNumber(10, 3_600_000),
    default: 3000,
    meaning: 'period of the `randomJob` event',
  }),
  data_file: setting({ kind: text, default: 'userdata/data.json', meaning: 'where search results are saved' }),
  log_file: setting({
    kind: text,
    default: { development: 'storage/logs/nodeJobs.log', production: '-' },
    meaning:
      'request log: a file of readable lines, or `-` for JSON lines on standard output (and the application messages as JSON on standard error)',
  }),
  cors_origin: setting({
    kind: text,
    default: '*',
    example: 'https://app.example.com',
    meaning: 'allowed origins (comma-separated); `*` (any) is refused in production',
  }),
  public_url: setting({
    kind: optional(httpUrl),
    unset: 'none',
    meaning:
      "the API's address as its clients reach it (behind a proxy, the proxy's): a user's `image` is then an absolute URL under it; a root-relative path (`/users/<id>/image`) when unset",
  }),
  socket_adapter: setting({
    kind: oneOf(['none', 'redis']),
    default: 'none',
    meaning: '`redis` shares rooms and broadcasts between several server processes',
  }),
  rate_limit_window_s: setting({
    kind: wholeNumber(1, 86400),
    default: 60,
    meaning: 'window of the abuse limits below',
  }),
  rate_limit_login: setting({
    kind: wholeNumber(0, 1_000_000),
    default: 20,
    meaning: '`POST /sessions` per client address per window (0 = off)',
  }),
  rate_limit_register: setting({
    kind: wholeNumber(0, 1_000_000),
    default: 10,
    meaning: '`POST /users` per client address per window (0 = off)',
  }),
  rate_limit_search: setting({
    kind: wholeNumber(0, 1_000_000),
    default: 60,
    meaning:
      'cold searches (`GET /` or a socket `jobRequest` answered by the job board, not the cache) per client address per window (0 = off)',
  }),
  socket_rate_limit: setting({
    kind: wholeNumber(1, 10_000),
    default: 10,
    meaning:
      'events per socket per second (`jobRequest`, `adminStatisticsRequest`, and unknown ones alike); beyond it the ack is `{ error: "rate limited" }`, and a socket flooding for 10 s is disconnected',
  }),
  max_connections_per_ip: setting({
    kind: wholeNumber(1, 1_000_000),
    default: 256,
    meaning: 'open connections one client address may hold; more are closed at once',
  }),
  trust_proxy: setting({
    kind: trustProxy,
    default: false,
    meaning: 'Express `trust proxy`: `true`, a number of proxy hops, or addresses; set it behind a load balancer',
  }),
  metrics: setting({
    kind: metricsMode,
    default: 'off',
    meaning: 'Prometheus `GET /metrics`: `off`, `on` (on the API port) or a port of its own; `dev` turns it on',
  }),
  metrics_host: setting({
    kind: text,
    default: '127.0.0.1',
    meaning: 'bind address of the metrics port (when `metrics` is a port)',
  }),
  // Mail (password resets, email verification) and the links it carries.
  app_url: setting({
    kind: optional(httpUrl),
    unset: "the server's own web console (`<server URL>/console`)",
    example: '',
    meaning:
      "the front end's address: mails link to `<app_url>/reset-password?token=…` and `<app_url>/verify-email?token=…`; required in production when `smtp_url` is set",
  }),
  smtp_url: setting({
    kind: optional(smtpUrl),
    unset: 'none: no mail is sent, and the log says so for each one',
    example: '',
    secret: true,
    meaning:
      'SMTP server of the mails: `smtp://user:password@host:587` (STARTTLS when offered) or `smtps://user:password@host:465` (TLS); `dev` starts a local mail catcher',
  }),
  mail_from: setting({
    kind: optional(text),
    default: { development: 'node-jobs <no-reply@localhost>', production: undefined },
    unset: 'none',
    example: '',
    meaning: 'sender of the mails, e.g. `Jobs <no-reply@jobs.example>`; required in production when `smtp_url` is set',
  }),
  mail_attempts: setting({
    kind: wholeNumber(1, 100),
    default: 12,
    meaning:
      'tries of a mail while the SMTP server is unreachable or refuses it for now (4xx) before it is given up (logged); a permanent refusal (5xx) is not retried',
  }),
  mail_retry_delay_ms: setting({
    kind: wholeNumber(100, 3_600_000),
    default: 30_000,
    meaning: 'wait before the first retry of a mail; each next wait doubles (12 attempts from 30 s span about 17 h)',
  }),
  rate_limit_password_reset: setting({
    kind: wholeNumber(0, 1_000_000),
    default: 5,
    meaning: '`POST /password-resets` and `POST /password-resets/confirm` per client address per window (0 = off)',
  }),
  rate_limit_password_reset_email: setting({
    kind: wholeNumber(0, 1_000_000),
    default: 3,
    meaning: '`POST /password-resets` per email address per window, from any client (0 = off)',
  }),
  rate_limit_email_verification: setting({
    kind: wholeNumber(0, 1_000_000),
    default: 3,
    meaning: '`POST /email-verifications/resend` per user per window (0 = off)',
  }),
  // One service on several processes and machines, behind load balancers (README: "Running several processes").
  workers: setting({
    kind: processCount(256),
    default: 1,
    meaning:
      "`serve`: processes sharing one port (node's cluster), `auto` for one per core; socket.io stays sticky to its process, broadcasts reach every one, and a process that dies is replaced",
  }),
  shutdown_delay_s: setting({
    kind: wholeNumber(0, 600),
    default: 5,
    meaning:
      'after SIGTERM, how long the process keeps serving, with `/readyz` answering 503 and every response `Connection: close`, so that the load balancer takes it out before it stops accepting connections',
  }),
  shutdown_timeout_s: setting({
    kind: wholeNumber(1, 3600),
    default: 30,
    meaning:
      'after SIGTERM, the longest the whole shutdown may take (the delay included): requests still running then are cut and the process exits',
  }),
  keep_alive_timeout_s: setting({
    kind: wholeNumber(1, 3600),
    default: 65,
    meaning:
      'how long an idle keep-alive connection stays open; above the idle timeout of the load balancer in front (60 s on AWS), so that it never reuses a connection the server is closing',
  }),
};

export type ConfigKey = keyof typeof settings;

/** Every key a user can set, in the order of the README's table. */
export const configKeys = Object.keys(settings) as readonly ConfigKey[];

// eslint-disable-next-line @typescript-eslint/no-unused-vars -- the raw type is matched, not used
type Values = { [K in ConfigKey]: (typeof settings)[K] extends Setting<infer T, infer _Raw> ? T : never };

/** The validated configuration: every key of `settings`, plus the NODE_ENV it was read for. */
export type Config = { [K in 'env' | ConfigKey]: K extends ConfigKey ? Values[K] : string };

export class ConfigError extends Error {
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(`Configuration "${key}": ${message}`);
    this.name = 'ConfigError';
  }
}

const isByEnvironment = <Raw>(value: Raw | ByEnvironment<Raw> | undefined): value is ByEnvironment<Raw> =>
  typeof value === 'object' && value !== null && 'development' in value;

/** The raw default of a key in an environment (`undefined` when it has none). */
export function defaultOf<T, Raw>(declared: Setting<T, Raw>, production: boolean): Raw | undefined {
  const fallback = declared.default;
  return isByEnvironment(fallback) ? fallback[production ? 'production' : 'development'] : fallback;
}

/** A key's schema: blank takes the default, then the kind reads the value. */
function keySchema<T, Raw>(declared: Setting<T, Raw>, production: boolean): z.ZodType<T | undefined, unknown> {
  const fallback = defaultOf(declared, production);
  return z.unknown().transform((raw, context) => {
    const value: unknown = isBlank(raw) ? fallback : raw;
    if (value === undefined) {
      if (!declared.kind.optional) context.addIssue({ code: 'custom', message: 'is required' });
      return undefined;
    }
    const read = declared.kind.schema.safeParse(value);
    if (read.success) return read.data;
    for (const issue of read.error.issues) context.addIssue({ code: 'custom', message: issue.message });
    return z.NEVER;
  });
}

/** The rules that tie keys together, or a key to the environment. */
function crossRules(config: Values, production: boolean, context: z.RefinementCtx): void {
  // The example key is public: anyone could forge tokens with it, in any environment.
  if (config.app_key === exampleAppKey) {
    context.addIssue({
      code: 'custom',
      path: ['app_key'],
      message: 'is the example value from config/secrets.json.example; set a secret of your own',
    });
  }
  // Any origin may then call the API with a user's token from a page of its own.
  if (production && corsOrigins(config).includes('*')) {
    context.addIssue({
      code: 'custom',
      path: ['cors_origin'],
      message: 'must name the real origins of your front ends in production (e.g. https://app.example.com), not *',
    });
  }
  if (config.jobs_provider === 'github' && !config.jobs_api_url) {
    context.addIssue({ code: 'custom', path: ['jobs_api_url'], message: 'is required when jobs_provider is github' });
  }
  mailRules(config, context, production);
  // The delay is part of the shutdown: with no time left after it, requests in flight would be cut.
  if (config.shutdown_delay_s >= config.shutdown_timeout_s) {
    context.addIssue({
      code: 'custom',
      path: ['shutdown_delay_s'],
      message: `must be below shutdown_timeout_s (${config.shutdown_timeout_s} s), which includes it`,
    });
  }
  // A CA file only serves a TLS connection: set without one, it would be silently ignored.
  if (config.redis_tls_ca !== undefined && !config.redis_url?.tls) {
    context.addIssue({
      code: 'custom',
      path: ['redis_tls_ca'],
      message: 'applies only to TLS connections: set redis_url to a rediss:// URL, or leave redis_tls_ca unset',
    });
  }
}

/** A sender such as `no-reply@jobs.example` or `Jobs <no-reply@jobs.example>`. */
const mailSender = /^(?:[^<>@\s]+@[^<>@\s]+|[^<>]*<[^<>@\s]+@[^<>@\s]+>)$/;

/** Mail needs a sender, and in production an address for its links: the server cannot guess its public one. */
function mailRules(config: Values, context: z.RefinementCtx, production: boolean): void {
  if (config.mail_from !== undefined && !mailSender.test(config.mail_from.trim())) {
    context.addIssue({
      code: 'custom',
      path: ['mail_from'],
      message: 'must be an address such as no-reply@jobs.example or "Jobs <no-reply@jobs.example>"',
    });
  }
  if (config.smtp_url === undefined) return;
  if (config.mail_from === undefined) {
    context.addIssue({ code: 'custom', path: ['mail_from'], message: 'is required when smtp_url is set' });
  }
  if (config.app_url === undefined && production) {
    context.addIssue({
      code: 'custom',
      path: ['app_url'],
      message:
        "is required in production when smtp_url is set: the links in the mails point at the front end's address",
    });
  }
}

/** The zod schema of the whole configuration for one environment. */
export function configSchema(env: string): z.ZodType<Values, Record<string, unknown>> {
  const production = env === 'production';
  const shape = Object.fromEntries(
    configKeys.map((key) => [key, keySchema(settings[key] as Setting<unknown, unknown>, production)]),
  );
  return z
    .object(shape)
    .transform((values) => values as Values)
    .superRefine((config, context) => crossRules(config, production, context));
}

/** The allowed origins of `cors_origin` (comma-separated), `['*']` for any. */
export function corsOrigins(config: Pick<Config, 'cors_origin'>): string[] {
  return config.cors_origin
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);
}

/** How to give a missing key a value, from each source `loadConfig` reads. */
function howToSet(key: ConfigKey): string {
  const declared = settings[key] as Setting<unknown, unknown>;
  const sources = `the environment variable ${key.toUpperCase()}, the option --${key} <${declared.kind.placeholder}>, or "${key}" in config/secrets.json`;
  return `; set it with ${sources} (see config/secrets.json.example).${declared.whenMissing ? ` ${declared.whenMissing}` : ''}`;
}

/**
 * Validates raw configuration values into a `Config`.
 * @param raw values by key, as gathered by nconf (strings or JSON values)
 * @param env the NODE_ENV in force (`production` tightens the rules and changes defaults)
 * @throws ConfigError naming the first bad key, or a key that is not a configuration key
 */
export function parseConfig(raw: Record<string, unknown>, env = 'development'): Config {
  const unknown = Object.keys(raw).find((key) => !(key in settings));
  if (unknown !== undefined)
    throw new ConfigError(unknown, `is not a configuration key (see README.md, section "Configuration").`);
  // Every key present, so one a source left out takes its default like one it left blank.
  const result = configSchema(env).safeParse(Object.fromEntries(configKeys.map((key) => [key, raw[key]])));
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const key = String(issue.path[0]) as ConfigKey;
    const value = raw[key];
    const shown = isBlank(value) || settings[key].secret ? '' : `, got ${JSON.stringify(value)}`;
    const missing = issue.message.startsWith('is required') && isBlank(value);
    throw new ConfigError(key, `${issue.message}${shown}${missing ? howToSet(key) : '.'}`);
  }
  return { env, ...result.data };
}
