import { z } from 'zod';

/**
 * The kinds of value a configuration key can hold. Each reads the raw forms nconf gathers
 * (strings from argv and the environment, JSON values from secrets.json) with a zod schema, and
 * says in words what it accepts: the same words serve the error message ("must be …") and the
 * README.
 */
export interface Kind<T, Raw = unknown> {
  /** Parses a raw value that is present (not blank); fails with "must be <accepts>". */
  readonly schema: z.ZodType<T, unknown>;
  /** What the kind accepts, in words: `a whole number from 4 to 15`. */
  readonly accepts: string;
  /** The command-line placeholder: `--port <port>`. */
  readonly placeholder: string;
  /** Whether the key may be left without a value (it is then `undefined`). */
  readonly optional: boolean;
  /** Whether a valueless `--key` on the command line means `true`. */
  readonly switch: boolean;
  /** Phantom: the raw forms a default or an example may take. */
  readonly raw?: Raw;
}

/** A blank raw value stands for "not set": the default applies. */
export const isBlank = (value: unknown): value is undefined | null | '' =>
  value === undefined || value === null || value === '';

function kind<T, Raw>(
  accepts: string,
  placeholder: string,
  read: (value: unknown) => T | undefined,
  isSwitch = false,
): Kind<T, Raw> {
  const schema = z.unknown().transform((value, context) => {
    const parsed = read(value);
    if (parsed === undefined) {
      context.addIssue({ code: 'custom', message: `must be ${accepts}` });
      return z.NEVER;
    }
    return parsed;
  });
  return { schema, accepts, placeholder, optional: false, switch: isSwitch };
}

/** The same kind, but the key may stay unset. */
export function optional<T, Raw>(base: Kind<T, Raw>): Kind<T | undefined, Raw> {
  return { ...base, optional: true };
}

const textOf = (value: unknown) => (typeof value === 'string' || typeof value === 'number' ? String(value) : undefined);

/** Text (a number given in JSON is taken as its digits). */
export const text: Kind<string, string> = kind('text', 'text', textOf);

/** Text of at least `length` characters. */
export function longText(length: number): Kind<string, string> {
  return kind(`text of at least ${length} characters`, 'text', (value) => {
    const found = textOf(value);
    return found !== undefined && found.length >= length ? found : undefined;
  });
}

/** A whole number within bounds, given as a number or its digits. */
export function wholeNumber(min: number, max: number): Kind<number, number> {
  return kind(`a whole number from ${min} to ${max}`, 'n', (value) => {
    const parsed = typeof value === 'number' ? value : typeof value === 'string' ? Number(value.trim()) : Number.NaN;
    return Number.isInteger(parsed) && parsed >= min && parsed <= max ? parsed : undefined;
  });
}

/** true or false, also as `1`/`0`, `yes`/`no`, `on`/`off`; a valueless `--key` is true. */
export const flag: Kind<boolean, boolean> = kind(
  'true or false',
  'true|false',
  (value) => {
    if (typeof value === 'boolean') return value;
    const normalized = String(value).trim().toLowerCase();
    if (['true', '1', 'yes', 'on'].includes(normalized)) return true;
    if (['false', '0', 'no', 'off'].includes(normalized)) return false;
    return undefined;
  },
  true,
);

/** One of a fixed list of names. */
export function oneOf<const T extends string>(choices: readonly T[]): Kind<T, T> {
  return kind(`one of ${choices.join(', ')}`, choices.join('|'), (value) => {
    const name = textOf(value)?.trim();
    return (choices as readonly string[]).includes(name ?? '') ? (name as T) : undefined;
  });
}

/** An http(s) URL. */
export const httpUrl: Kind<string, string> = kind('an http(s) URL', 'url', (value) => {
  const found = textOf(value);
  if (found === undefined || !URL.canParse(found)) return undefined;
  return ['http:', 'https:'].includes(new URL(found).protocol) ? found : undefined;
});

/** An SMTP server: `smtp://` (STARTTLS when the server offers it) or `smtps://` (TLS from the start), with a host. */
export const smtpUrl: Kind<string, string> = kind('an smtp:// or smtps:// URL', 'url', (value) => {
  const found = textOf(value)?.trim();
  if (found === undefined || !URL.canParse(found)) return undefined;
  const url = new URL(found);
  return ['smtp:', 'smtps:'].includes(url.protocol) && url.hostname !== '' ? found : undefined;
});

const durationUnits: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** Parses `4h`, `30m`, `90s`, `2d` or a number of seconds into seconds. */
export function parseDuration(value: string): number | undefined {
  const match = /^\s*(\d+)\s*([smhd]?)\s*$/i.exec(value);
  if (!match) return undefined;
  return Number(match[1]) * (durationUnits[(match[2] || 's').toLowerCase()] ?? 1);
}

/** A duration, read into seconds: `90s`, `30m`, `4h`, `2d` or a number of seconds. */
export const duration: Kind<number, string | number> = kind(
  'a duration such as 4h, 30m or 3600',
  'duration',
  (value) => {
    const found = textOf(value);
    const seconds = found === undefined ? undefined : parseDuration(found);
    return seconds !== undefined && seconds >= 1 ? seconds : undefined;
  },
);

/** Express `trust proxy`: false, true, a number of hops, or a comma-separated list of addresses/subnets. */
export const trustProxy: Kind<boolean | number | string, boolean | number | string> = kind(
  'true, false, a number of hops or a list of addresses',
  'true|false|hops|addresses',
  (value) => {
    if (typeof value === 'boolean') return value;
    const found = textOf(value)?.trim();
    if (found === undefined) return undefined;
    if (/^(true|yes|on)$/i.test(found)) return true;
    if (/^(false|no|off)$/i.test(found)) return false;
    if (/^\d+$/.test(found)) return Number(found);
    return /^[\w.:/,\s-]+$/.test(found) ? found : undefined;
  },
  true,
);

/** How many processes: a whole number from 1 to `max`, or `auto` (read as one per core where it is used). */
export function processCount(max: number): Kind<number | 'auto', number | 'auto'> {
  return kind(`auto or a whole number from 1 to ${max}`, 'n|auto', (value) => {
    const found = textOf(value)?.trim().toLowerCase();
    if (found === 'auto') return 'auto';
    const count = Number(found);
    return found !== undefined && /^\d+$/.test(found) && count >= 1 && count <= max ? count : undefined;
  });
}

/** Where `/metrics` is served: `off`, `on` (on the API's port) or a port of its own. */
export type MetricsMode = 'off' | 'on' | number;

/** `off`, `on` or a port number (0 = any free port). */
export const metricsMode: Kind<MetricsMode, MetricsMode> = kind(
  'off, on or a port number (0 = any free port)',
  'off|on|port',
  (value) => {
    const found = textOf(value)?.trim().toLowerCase();
    if (found === 'off' || found === 'false') return 'off';
    if (found === 'on' || found === 'true') return 'on';
    const port = Number(found);
    return found !== undefined && /^\d+$/.test(found) && port <= 65535 ? port : undefined;
  },
);

/** Where a Redis server is and how to log in to it, read from a `redis://` or `rediss://` URL. */
export interface RedisUrl {
  /** `rediss://`: the connection is TLS. */
  readonly tls: boolean;
  /** Host name or address (an IPv6 address without its brackets). */
  readonly host: string;
  readonly port: number;
  /** ACL user name; undefined for the `default` user of a bare password. */
  readonly username: string | undefined;
  readonly password: string | undefined;
  /** The database number (`SELECT`), 0 when the URL has no path. */
  readonly database: number;
}

const redisUrlForm = 'redis[s]://[user[:password]@]host[:port][/database]';

/** %-decodes one part of a URL's user info, saying which part is at fault when it cannot. */
function decodeUserInfo(part: string, name: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new RangeError(`has a ${name} with a % that starts no %-escape: write % as %25`);
  }
}

/**
 * Reads a Redis URL, `redis[s]://[user[:password]@]host[:port][/database]`: `rediss` is TLS, the
 * port is 6379 and the database 0 when left out. The user info ends at the last `@`, so an `@` or
 * `/` left unencoded in a password is kept; %-escapes in it are decoded.
 * @throws RangeError saying what is wrong, in words that never repeat the user info
 */
export function parseRedisUrl(value: string): RedisUrl {
  const scheme = /^([a-z][a-z\d+.-]*):\/\//i.exec(value);
  const protocol = scheme?.[1]?.toLowerCase();
  if (protocol !== 'redis' && protocol !== 'rediss') {
    const found = /^([a-z][a-z\d+.-]*:)/i.exec(value)?.[1];
    throw new RangeError(
      `must be a redis:// or rediss:// URL (rediss:// connects over TLS), ${found ? `not "${found.toLowerCase()}"` : 'with its scheme'}: ${redisUrlForm}`,
    );
  }
  const afterScheme = value.slice(scheme![0].length);
  const at = afterScheme.lastIndexOf('@');
  const userInfo = at < 0 ? undefined : afterScheme.slice(0, at);
  const rest = afterScheme.slice(at + 1);
  if (/[?#]/.test(rest)) throw new RangeError(`has a query or fragment (?… or #…), which is not read: ${redisUrlForm}`);
  const address = /^(\[[^\]]*\]|[^:/]*)(?::([^/]*))?(\/.*)?$/.exec(rest);
  const host = (address?.[1] ?? '').replace(/^\[(.*)\]$/, '$1');
  if (host === '') throw new RangeError(`has no host: ${redisUrlForm}`);
  const portText = address?.[2];
  const port = portText === undefined ? 6379 : /^\d+$/.test(portText) ? Number(portText) : Number.NaN;
  if (!(port >= 1 && port <= 65535))
    throw new RangeError(`has a bad port ("${portText}"): it must be a whole number from 1 to 65535`);
  const path = address?.[3] ?? '';
  if (!/^(\/\d{0,9})?$/.test(path))
    throw new RangeError(`has a bad database ("${path}"): the path must be a database number such as /0 or /3`);
  const colon = userInfo?.indexOf(':') ?? -1;
  const username = userInfo === undefined ? undefined : colon < 0 ? userInfo : userInfo.slice(0, colon);
  const password = userInfo === undefined || colon < 0 ? undefined : userInfo.slice(colon + 1);
  return {
    tls: protocol === 'rediss',
    host,
    port,
    username: username ? decodeUserInfo(username, 'user name') : undefined,
    password: password ? decodeUserInfo(password, 'password') : undefined,
    database: Number(path.slice(1) || 0),
  };
}

/** A `redis://` or `rediss://` URL, read into its parts (the problem named when it cannot be). */
export const redisUrl: Kind<RedisUrl, string> = {
  schema: z.unknown().transform((value, context) => {
    try {
      const found = textOf(value);
      if (found === undefined) throw new RangeError(`must be a redis:// or rediss:// URL: ${redisUrlForm}`);
      return parseRedisUrl(found.trim());
    } catch (error) {
      context.addIssue({ code: 'custom', message: (error as Error).message });
      return z.NEVER;
    }
  }),
  accepts: 'a redis:// or rediss:// URL',
  placeholder: 'url',
  optional: false,
  switch: false,
};
