import { HttpError, serviceUnavailable } from '../../libraries/errors';
import type { Redis } from '../../libraries/redis';
import { digestOf, isLinkToken } from './mail.tokens';

/** A grant as stored: what the token allows, and when it stops. */
interface StoredGrant<G> {
  grant: G;
  /** Epoch ms the token stops working (the key's expiry, kept to put back a token a failure spent). */
  expiresAt: number;
}

/**
 * What the tokens of one kind of mailed link grant, in Redis under the token's SHA-256 (never the
 * token), with the link's lifetime as expiry. A token is spent by reading and deleting its grant in
 * one command (`GETDEL`), so of two confirmations only one gets it.
 */
export class LinkGrants<G> {
  /**
   * @param name the kind of link, the start of its keys (`passwordReset`)
   * @param ttlMs how long a link works, from the moment its mail is sent
   * @param isGrant checks a stored value (anything else counts as no grant)
   */
  constructor(
    private readonly redis: Pick<Redis, 'set' | 'take'>,
    readonly name: string,
    readonly ttlMs: number,
    private readonly isGrant: (value: unknown) => value is G,
  ) {}

  /** The Redis key of a token. */
  keyOf(token: string): string {
    return `${this.name}:${digestOf(token)}`;
  }

  /** Stores what `token` grants, for `ttlMs` from now (again on each try of a mail: its link works from its sending). */
  async store(token: string, grant: G): Promise<void> {
    const stored: StoredGrant<G> = { grant, expiresAt: Date.now() + this.ttlMs };
    await this.redis.set(this.keyOf(token), JSON.stringify(stored), this.ttlMs);
  }

  /**
   * Spends a token: runs `use` with its grant. When `use` fails for a fault of a service (not a
   * refusal, status < 500), the token is put back for the time it had left.
   * @returns what `use` returns; undefined for a malformed, unknown, used or expired token
   * @throws HttpError 503 when Redis is unavailable; whatever `use` throws
   */
  async spend<R>(token: string, use: (grant: G) => Promise<R>): Promise<R | undefined> {
    if (!isLinkToken(token)) return undefined;
    const key = this.keyOf(token);
    let raw: string | null;
    try {
      raw = await this.redis.take(key);
    } catch (error) {
      throw Object.assign(serviceUnavailable('The link store (Redis) is unavailable; try again.'), { cause: error });
    }
    const stored = this.read(raw);
    if (!stored) return undefined;
    try {
      return await use(stored.grant);
    } catch (error) {
      const leftMs = stored.expiresAt - Date.now();
      if (!(error instanceof HttpError && error.status < 500) && leftMs > 0)
        await this.redis.set(key, raw!, leftMs).catch(() => undefined);
      throw error;
    }
  }

  private read(raw: string | null): StoredGrant<G> | undefined {
    if (raw === null) return undefined;
    try {
      const stored = JSON.parse(raw) as Partial<StoredGrant<unknown>>;
      return typeof stored.expiresAt === 'number' && this.isGrant(stored.grant)
        ? { grant: stored.grant, expiresAt: stored.expiresAt }
        : undefined;
    } catch {
      return undefined;
    }
  }
}

/** Whether `value` is an object whose `fields` are all strings. */
export function hasTextFields<const F extends string>(
  value: unknown,
  fields: readonly F[],
): value is Record<F, string> {
  return (
    typeof value === 'object' &&
    value !== null &&
    fields.every((field) => typeof (value as Record<string, unknown>)[field] === 'string')
  );
}
