import type { RequestHandler } from 'express';
import type { Config } from '../config/schema';
import { serviceUnavailable, tooManyRequests } from '../libraries/errors';
import type { Redis } from '../libraries/redis';
import { withResponses } from './openapi';

/** The configuration keys that hold a limit per window (0 = off). */
export type RateLimitKey = 'rate_limit_login' | 'rate_limit_register' | 'rate_limit_search';

/** Redis key counting one client address's requests of one action in the current window. */
export function rateLimitKey(name: string, address: string): string {
  return `ratelimit:${name}:${address}`;
}

/** Makes the rate-limit middlewares of one server, counting in its Redis. */
export class RateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly config: Pick<Config, RateLimitKey | 'rate_limit_window_s'>,
  ) {}

  /**
   * Limits an action per client address per `rate_limit_window_s`, counted in Redis (so the limit
   * holds across server processes): over it → 429 with `Retry-After`. When Redis cannot count, the
   * request is refused with 503 rather than let through unlimited.
   * @param name names the counter, so each limited action counts apart
   * @param limitKey the configuration key holding the limit per window
   */
  limit(name: string, limitKey: RateLimitKey): RequestHandler {
    const limit = this.config[limitKey];
    const windowMs = this.config.rate_limit_window_s * 1000;
    const limited: RequestHandler = async (req, _res, next) => {
      if (limit === 0) return next();
      let hit: { count: number; resetMs: number };
      try {
        hit = await this.redis.hit(rateLimitKey(name, req.ip ?? 'unknown'), windowMs);
      } catch {
        return next(serviceUnavailable('The rate limiter is unavailable; try again shortly.'));
      }
      if (hit.count > limit) return next(tooManyRequests(Math.max(1, Math.ceil(hit.resetMs / 1000))));
      next();
    };
    return withResponses(limited, {
      429: {
        description: `Too many requests from this address (\`${limitKey}\` per \`rate_limit_window_s\`).`,
        headers: { 'Retry-After': 'Seconds until the window ends.' },
      },
      503: 'The rate limiter (Redis) is unavailable.',
    });
  }
}
