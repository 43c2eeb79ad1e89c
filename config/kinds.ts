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
