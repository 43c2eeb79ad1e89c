/** What the SDK reads from a token without verifying it (only the server can verify it). */
export interface TokenPayload {
  /** User id. */
  sub?: string;
  /** Session id (what `sessions.list` calls `id`). */
  sid?: string;
  /** Expiry, in seconds since the epoch. */
  exp?: number;
  /** Issue time, in seconds since the epoch. */
  iat?: number;
}

/**
 * Reads the payload of a JWT without verifying it; an empty object when it is not one.
 * @param token the JWT
 */
export function readTokenPayload(token: string): TokenPayload {
  const part = token.split('.')[1];
  if (!part) return {};
  try {
    const base64 = part
      .replace(/-/g, '+')
      .replace(/_/g, '/')
      .padEnd(Math.ceil(part.length / 4) * 4, '=');
    const payload: unknown = JSON.parse(atob(base64));
    if (typeof payload !== 'object' || payload === null) return {};
    const { sub, sid, exp, iat } = payload as Record<string, unknown>;
    return {
      ...(typeof sub === 'string' ? { sub } : {}),
      ...(typeof sid === 'string' ? { sid } : {}),
      ...(typeof exp === 'number' ? { exp } : {}),
      ...(typeof iat === 'number' ? { iat } : {}),
    };
  } catch {
    return {};
  }
}

/**
 * Tells whether a token has expired by its `exp` (the clock of this machine decides).
 * @param token the JWT
 * @param now the time to compare with, in milliseconds
 */
export function isTokenExpired(token: string, now = Date.now()): boolean {
  const { exp } = readTokenPayload(token);
  return exp !== undefined && exp * 1000 <= now;
}
