import type { RevocationKeys } from '../../../libraries/tokenRevocations';
import { type Journal, roundTrip } from './roundTrip';

/** The keys and values `TokenRevocations` keeps in Redis, in a map with expiries (`RevocationKeys`). */
export class MemoryRedis implements RevocationKeys {
  private readonly entries = new Map<string, { value: string; expiresAtMs: number }>();
  /** When set, every command fails with it, as when Redis is away. */
  failure: Error | undefined;

  constructor(private readonly journal: Journal = []) {}

  async getMany(keys: readonly string[]): Promise<(string | null)[]> {
    await roundTrip(this.failure);
    return keys.map((key) => this.live(key)?.value ?? null);
  }

  async set(key: string, value: string, ttlMs?: number): Promise<void> {
    await roundTrip(this.failure);
    this.entries.set(key, { value, expiresAtMs: ttlMs === undefined ? Infinity : Date.now() + Math.ceil(ttlMs) });
    this.journal.push(`redis.set ${key}`);
  }

  /** The milliseconds a key has left (Infinity without expiry), undefined when it does not exist. */
  ttlMs(key: string): number | undefined {
    const entry = this.live(key);
    return entry && entry.expiresAtMs - Date.now();
  }

  private live(key: string) {
    const entry = this.entries.get(key);
    return entry && entry.expiresAtMs > Date.now() ? entry : undefined;
  }
}
