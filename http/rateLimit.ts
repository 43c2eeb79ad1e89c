import type { Request, RequestHandler, Response } from 'express';
import type { Config } from '../config/schema';
import { serviceUnavailable, tooManyRequests } from '../libraries/errors';
import type { Redis } from '../libraries/redis';
import { withResponses } from './openapi';

/** The configuration keys that hold a limit per window (0 = off). */
export type RateLimitKey =
  | 'rate_limit_login'
  | 'rate_limit_register'
  | 'rate_limit_search'
  | 'rate_limit_password_reset'
  | 'rate_limit_password_reset_email'
  | 'rate_limit_email_verification';

/** What a limit counts per when it is not the client address: an email, a user. */
export interface RateLimitSubject {
  /** In words, for the documentation: `email address`, `user`. */
  readonly name: string;
  /** The subject of a request, read after the middlewares before the limit (validation, authentication). */
  of(req: Request, res: Response): string;
}

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
   * @param per what to count per, when not the client address
   */
  limit(name: string, limitKey: RateLimitKey, per?: RateLimitSubject): RequestHandler {
    const limit = this.config[limitKey];
    const windowMs = this.config.rate_limit_window_s * 1000;
    const limited: RequestHandler = async (req, res, next) => {
      if (limit === 0) return next();
      let hit: { count: number; resetMs: number };
      try {
        hit = await this.redis.hit(rateLimitKey(name, per ? per.of(req, res) : (req.ip ?? 'unknown')), windowMs);
      } catch {
        return next(serviceUnavailable('The rate limiter is unavailable; try again shortly.'));
      }
      if (hit.count > limit) return next(tooManyRequests(Math.max(1, Math.ceil(hit.resetMs / 1000))));
      next();
    };
    return withResponses(limited, {
      429: {
        description: `Too many requests ${per ? `for this ${per.name}` : 'from this address'} (\`${limitKey}\` per \`rate_limit_window_s\`).`,
        headers: { 'Retry-After': 'Seconds until the window ends.' },
      },
      503: 'The rate limiter (Redis) is unavailable.',
    });
  }
}
