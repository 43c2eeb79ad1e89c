/**
 * The configuration keys of CONTRACT.md, their defaults, and the validation that turns the raw
 * values nconf gathered (strings from argv and the environment, JSON from secrets.json) into a
 * typed `Config`. A bad value throws `ConfigError` naming the key.
 */

export const jobsProviders = ['sample', 'github', 'arbeitnow', 'remotive'] as const;
export type JobsProviderName = (typeof jobsProviders)[number];

export interface Config {
  env: string;
  port: number;
  host: string;
  app_key: string;
  /** Token lifetime in seconds (the raw value accepts `4h`, `30m`, `90s`, `2d` or seconds). */
  token_ttl: number;
  bcrypt_rounds: number;
  redis_host: string;
  redis_port: number;
  redis_password: string | undefined;
  redis_key_prefix: string;
  dynamodb_endpoint: string | undefined;
  dynamodb_table_prefix: string;
  dynamodb_create_tables: boolean;
  aws_region: string;
  s3_bucket: string;
  s3_endpoint: string | undefined;
  jobs_provider: JobsProviderName;
  jobs_api_url: string | undefined;
  jobs_cache_ttl_s: number;
  jobs_timeout_ms: number;
  random_job_interval_ms: number;
  data_file: string;
  log_file: string;
  cors_origin: string;
  socket_adapter: 'none' | 'redis';
  rate_limit_window_s: number;
  rate_limit_login: number;
  rate_limit_register: number;
  /** Express `trust proxy`: false, true, a number of hops, or a comma-separated list of addresses/subnets. */
  trust_proxy: boolean | number | string;
}

export type ConfigKey = Exclude<keyof Config, 'env'>;

/** The `app_key` of `config/secrets.json.example`: refused in production. */
export const exampleAppKey = 'change-me-to-a-long-random-secret-of-32-chars-or-more';

export class ConfigError extends Error {
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(`Configuration "${key}": ${message}`);
    this.name = 'ConfigError';
  }
}

type Raw = Record<string, unknown>;

/** Every key a user can set, in the order of the contract's table. */
export const configKeys: readonly ConfigKey[] = [
  'port',
  'host',
  'app_key',
  'token_ttl',
  'bcrypt_rounds',
  'redis_host',
  'redis_port',
  'redis_password',
  'redis_key_prefix',
  'dynamodb_endpoint',
  'dynamodb_table_prefix',
  'dynamodb_create_tables',
  'aws_region',
  's3_bucket',
  's3_endpoint',
  'jobs_provider',
  'jobs_api_url',
  'jobs_cache_ttl_s',
  'jobs_timeout_ms',
  'random_job_interval_ms',
  'data_file',
  'log_file',
  'cors_origin',
  'socket_adapter',
  'rate_limit_window_s',
  'rate_limit_login',
  'rate_limit_register',
  'trust_proxy',
];

/** Defaults that do not depend on NODE_ENV. */
export const configDefaults = {
  port: 3000,
  host: '0.0.0.0',
  token_ttl: '4h',
  bcrypt_rounds: 10,
  redis_host: '127.0.0.1',
  redis_port: 6379,
  redis_key_prefix: 'nodeLessons-',
  dynamodb_table_prefix: 'nodeLessons-',
  aws_region: 'eu-central-1',
  s3_bucket: 'nodelessons-profile-images',
  jobs_provider: 'sample',
  jobs_cache_ttl_s: 300,
  jobs_timeout_ms: 5000,
  random_job_interval_ms: 3000,
  data_file: 'userdata/data.json',
  log_file: 'storage/logs/nodeJobs.log',
  cors_origin: '*',
  socket_adapter: 'none',
  rate_limit_window_s: 60,
  rate_limit_login: 20,
  rate_limit_register: 10,
} as const satisfies Partial<Record<ConfigKey, unknown>>;

const isBlank = (value: unknown) => value === undefined || value === null || value === '';

function text(raw: Raw, key: ConfigKey, fallback?: string): string {
  const value = raw[key];
  if (isBlank(value)) {
    if (fallback !== undefined) return fallback;
    throw new ConfigError(key, 'is required.');
  }
  if (typeof value !== 'string' && typeof value !== 'number') {
    throw new ConfigError(key, 'must be a string.');
  }
  return String(value);
}

function optionalText(raw: Raw, key: ConfigKey): string | undefined {
  return isBlank(raw[key]) ? undefined : text(raw, key);
}

function integer(raw: Raw, key: ConfigKey, fallback: number, min: number, max: number): number {
  const value = raw[key];
  const parsed = isBlank(value) ? fallback : typeof value === 'number' ? value : Number(String(value).trim());
  if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
    throw new ConfigError(key, `must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}.`);
  }
  return parsed;
}

function boolean(raw: Raw, key: ConfigKey, fallback: boolean): boolean {
  const value = raw[key];
  if (isBlank(value)) return fallback;
  if (typeof value === 'boolean') return value;
  const normalized = String(value).trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(normalized)) return true;
  if (['false', '0', 'no', 'off'].includes(normalized)) return false;
  throw new ConfigError(key, `must be true or false, got ${JSON.stringify(value)}.`);
}

function oneOf<T extends string>(raw: Raw, key: ConfigKey, choices: readonly T[], fallback: T): T {
  const value = isBlank(raw[key]) ? fallback : String(raw[key]).trim();
  if (!(choices as readonly string[]).includes(value)) {
    throw new ConfigError(key, `must be one of ${choices.join(', ')}, got ${JSON.stringify(value)}.`);
  }
  return value as T;
}

/** `trust_proxy`: off by default, so rate limits count the real peer unless a proxy is declared. */
function trustProxy(raw: Raw): boolean | number | string {
  const value = raw.trust_proxy;
  if (isBlank(value) || value === false) return false;
  if (value === true) return true;
  const text = String(value).trim();
  if (/^(true|yes|on)$/i.test(text)) return true;
  if (/^(false|no|off)$/i.test(text)) return false;
  if (/^\d+$/.test(text)) return Number(text);
  if (/^[\w.:/,\s-]+$/.test(text)) return text;
  throw new ConfigError('trust_proxy', `must be true, false, a number of hops or a list of addresses, got ${JSON.stringify(value)}.`);
}

function url(raw: Raw, key: ConfigKey): string | undefined {
  const value = optionalText(raw, key);
  if (value === undefined) return undefined;
  try {
    const parsed = new URL(value);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('not http');
  } catch {
    throw new ConfigError(key, `must be an http(s) URL, got ${JSON.stringify(value)}.`);
  }
  return value;
}

const durationUnits: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** The allowed origins of `cors_origin` (comma-separated), `['*']` for any. */
export function corsOrigins(config: Pick<Config, 'cors_origin'>): string[] {
  return config.cors_origin
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);
}

/** Parses `4h`, `30m`, `90s`, `2d` or a number of seconds into seconds. */
export function parseDuration(value: string): number | undefined {
  const match = /^\s*(\d+)\s*([smhd]?)\s*$/i.exec(value);
  if (!match) return undefined;
  return Number(match[1]) * (durationUnits[(match[2] || 's').toLowerCase()] ?? 1);
}

/**
 * Validates raw configuration values into a `Config`.
 * @param raw values by key, as gathered by nconf (strings or JSON values)
 * @param env the NODE_ENV in force (`production` tightens the rules and changes defaults)
 * @throws ConfigError naming the first bad key
 */
export function parseConfig(raw: Raw, env = 'development'): Config {
  const production = env === 'production';

  const appKey = text(raw, 'app_key');
  if (appKey.length < 32) throw new ConfigError('app_key', 'must be at least 32 characters long.');
  if (production && appKey === exampleAppKey) {
    throw new ConfigError('app_key', 'is the example value from config/secrets.json.example; set a secret of your own in production.');
  }

  const tokenTtl = parseDuration(text(raw, 'token_ttl', configDefaults.token_ttl));
  if (tokenTtl === undefined || tokenTtl < 1) {
    throw new ConfigError('token_ttl', `must be a duration such as 4h, 30m or 3600, got ${JSON.stringify(raw.token_ttl)}.`);
  }

  const jobsProvider = oneOf(raw, 'jobs_provider', jobsProviders, configDefaults.jobs_provider);
  const jobsApiUrl = url(raw, 'jobs_api_url');
  if (jobsProvider === 'github' && !jobsApiUrl) {
    throw new ConfigError('jobs_api_url', 'is required when jobs_provider is github.');
  }

  return {
    env,
    port: integer(raw, 'port', configDefaults.port, 0, 65535),
    host: text(raw, 'host', configDefaults.host),
    app_key: appKey,
    token_ttl: tokenTtl,
    bcrypt_rounds: integer(raw, 'bcrypt_rounds', configDefaults.bcrypt_rounds, 4, 15),
    redis_host: text(raw, 'redis_host', configDefaults.redis_host),
    redis_port: integer(raw, 'redis_port', configDefaults.redis_port, 1, 65535),
    redis_password: optionalText(raw, 'redis_password'),
    redis_key_prefix: text(raw, 'redis_key_prefix', configDefaults.redis_key_prefix),
    dynamodb_endpoint: url(raw, 'dynamodb_endpoint') ?? (production ? undefined : 'http://localhost:8100'),
    dynamodb_table_prefix: text(raw, 'dynamodb_table_prefix', configDefaults.dynamodb_table_prefix),
    dynamodb_create_tables: boolean(raw, 'dynamodb_create_tables', !production),
    aws_region: text(raw, 'aws_region', configDefaults.aws_region),
    s3_bucket: text(raw, 's3_bucket', configDefaults.s3_bucket),
    s3_endpoint: url(raw, 's3_endpoint'),
    jobs_provider: jobsProvider,
    jobs_api_url: jobsApiUrl,
    jobs_cache_ttl_s: integer(raw, 'jobs_cache_ttl_s', configDefaults.jobs_cache_ttl_s, 0, 86400 * 7),
    jobs_timeout_ms: integer(raw, 'jobs_timeout_ms', configDefaults.jobs_timeout_ms, 1, 120_000),
    random_job_interval_ms: integer(raw, 'random_job_interval_ms', configDefaults.random_job_interval_ms, 10, 3_600_000),
    data_file: text(raw, 'data_file', configDefaults.data_file),
    log_file: text(raw, 'log_file', configDefaults.log_file),
    cors_origin: text(raw, 'cors_origin', configDefaults.cors_origin),
    socket_adapter: oneOf(raw, 'socket_adapter', ['none', 'redis'] as const, configDefaults.socket_adapter),
    rate_limit_window_s: integer(raw, 'rate_limit_window_s', configDefaults.rate_limit_window_s, 1, 86400),
    rate_limit_login: integer(raw, 'rate_limit_login', configDefaults.rate_limit_login, 0, 1_000_000),
    rate_limit_register: integer(raw, 'rate_limit_register', configDefaults.rate_limit_register, 0, 1_000_000),
    trust_proxy: trustProxy(raw),
  };
}
