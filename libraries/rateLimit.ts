import type { RequestHandler } from 'express';
import type { Config } from '../config/schema';
import { dependency } from './dependencies';
import { serviceUnavailable, tooManyRequests } from './errors';

/** The configuration keys that hold a limit per window (0 = off). */
export type RateLimitKey = 'rate_limit_login' | 'rate_limit_register';

export interface RateLimitOptions {
  /** Names the counter, so each limited action counts apart. */
  name: string;
  /** The configuration key holding the limit per `rate_limit_window_s`. */
  limitKey: RateLimitKey;
}

/** Redis key counting one client address's requests of one action in the current window. */
export function rateLimitKey(name: string, address: string): string {
  return `ratelimit:${name}:${address}`;
}

/**
 * Limits an action per client address per `rate_limit_window_s`, counted in Redis (so the limit
 * holds across server processes): over it → 429 with `Retry-After`. When Redis cannot count, the
 * request is refused with 503 rather than let through unlimited.
 */
export function rateLimit(options: RateLimitOptions): RequestHandler {
  return async (req, _res, next) => {
    const config: Config = dependency(req.app, 'config');
    const limit = config[options.limitKey];
    if (limit === 0) return next();
    let hit: { count: number; resetMs: number };
    try {
      hit = await dependency(req.app, 'redisClient').hit(rateLimitKey(options.name, req.ip ?? 'unknown'), config.rate_limit_window_s * 1000);
    } catch {
      return next(serviceUnavailable('The rate limiter is unavailable; try again shortly.'));
    }
    if (hit.count > limit) return next(tooManyRequests(Math.max(1, Math.ceil(hit.resetMs / 1000))));
    next();
  };
}
