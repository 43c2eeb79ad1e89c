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
   * Counts one action of `subject` (a client address, an email, a user) in the current window of
   * `rate_limit_window_s`, in Redis (so the limit holds across server processes); for what does
   * not pass through Express (a socket's request).
   * @param name names the counter, so each limited action counts apart
   * @param limitKey the configuration key holding the limit per window
   * @throws HttpError 429 with `Retry-After` over the limit; 503 when Redis cannot count (never let through unlimited)
   */
  async take(name: string, limitKey: RateLimitKey, subject: string): Promise<void> {
    const limit = this.config[limitKey];
    if (limit === 0) return;
    let hit: { count: number; resetMs: number };
    try {
      hit = await this.redis.hit(rateLimitKey(name, subject), this.config.rate_limit_window_s * 1000);
    } catch {
      throw serviceUnavailable('The rate limiter is unavailable; try again shortly.');
    }
    if (hit.count > limit) throw tooManyRequests(Math.max(1, Math.ceil(hit.resetMs / 1000)));
  }

  /**
   * Limits an action per client address per `rate_limit_window_s` (see `take`): over it → 429 with
   * `Retry-After`; when Redis cannot count, 503.
   * @param name names the counter, so each limited action counts apart
   * @param limitKey the configuration key holding the limit per window
   * @param per what to count per, when not the client address
   */
  limit(name: string, limitKey: RateLimitKey, per?: RateLimitSubject): RequestHandler {
    const limited: RequestHandler = async (req, res, next) => {
      try {
        await this.take(name, limitKey, per ? per.of(req, res) : (req.ip ?? 'unknown'));
      } catch (error) {
        return next(error);
      }
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
