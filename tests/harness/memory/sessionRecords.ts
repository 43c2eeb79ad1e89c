import type {
  NewSessionRecord,
  Rotation,
  SessionOwner,
  SessionRecord,
  SessionRecords,
} from '../../../libraries/sessionRecords';
import { type Journal, roundTrip } from './roundTrip';

interface StoredSession extends SessionRecord {
  refreshHash: string;
  spent: Set<string>;
  expiresAtMs: number;
}

/**
 * The session records in maps, with expiries, standing in for Redis (`SessionRecords`): each call
 * atomic, as one Lua script is; calls in flight interleave between their round trips. Its clock is
 * `Date.now()` (the store's clock, as Redis's is for the real one).
 */
export class MemorySessionRecords implements SessionRecords {
  private readonly sessions = new Map<string, StoredSession>();
  /** When set, every call fails with it, as when Redis is away. */
  failure: Error | undefined;
  /** How many times a session's `lastUsedAt` was written (a touch that found it recent enough writes nothing). */
  touchWrites = 0;

  constructor(private readonly journal: Journal = []) {}

  async create(session: NewSessionRecord, ttlMs: number): Promise<void> {
    await roundTrip(this.failure);
    const now = Date.now();
    this.sessions.set(session.id, {
      id: session.id,
      userId: session.userId,
      generation: session.generation,
      userAgent: session.userAgent,
      ip: session.ip,
      createdAtMs: now,
      lastUsedAtMs: now,
      refreshHash: session.refreshHash,
      spent: new Set(),
      expiresAtMs: now + ttlMs,
    });
    this.journal.push(`sessions.create ${session.userId} generation ${session.generation}`);
  }

  async touch(sid: string, intervalMs: number): Promise<SessionOwner | undefined> {
    await roundTrip(this.failure);
    const session = this.live(sid);
    if (!session) return undefined;
    if (Date.now() - session.lastUsedAtMs >= intervalMs) {
      session.lastUsedAtMs = Date.now();
      this.touchWrites++;
    }
    return { userId: session.userId, generation: session.generation };
  }

  async owners(sids: readonly string[]): Promise<(SessionOwner | undefined)[]> {
    await roundTrip(this.failure);
    return sids.map((sid) => {
      const session = this.live(sid);
      return session && { userId: session.userId, generation: session.generation };
    });
  }

  async rotate(sid: string, presentedHash: string, nextHash: string, ttlMs: number): Promise<Rotation> {
    await roundTrip(this.failure);
    const session = this.live(sid);
    if (!session) return { outcome: 'unknown' };
    if (session.refreshHash === presentedHash) {
      session.spent.add(presentedHash);
      session.refreshHash = nextHash;
      session.lastUsedAtMs = Date.now();
      session.expiresAtMs = Date.now() + ttlMs;
      return { outcome: 'rotated', owner: { userId: session.userId, generation: session.generation } };
    }
    if (session.spent.has(presentedHash)) {
      this.sessions.delete(sid);
      this.journal.push(`sessions.remove ${session.userId} ${sid} (reused)`);
      return { outcome: 'reused', userId: session.userId };
    }
    return { outcome: 'unknown' };
  }

  async remove(userId: string, sids: readonly string[]): Promise<string[]> {
    await roundTrip(this.failure);
    return this.removeWhere(userId, (sid) => sids.includes(sid));
  }

  async removeAll(userId: string, exceptSid?: string): Promise<string[]> {
    await roundTrip(this.failure);
    return this.removeWhere(userId, (sid) => sid !== exceptSid);
  }

  async list(userId: string): Promise<SessionRecord[]> {
    await roundTrip(this.failure);
    return [...this.sessions.keys()]
      .map((sid) => this.live(sid))
      .filter((session): session is StoredSession => session !== undefined && session.userId === userId)
      .map(({ id, userId: owner, generation, createdAtMs, lastUsedAtMs, userAgent, ip }) => ({
        id,
        userId: owner,
        generation,
        createdAtMs,
        lastUsedAtMs,
        userAgent,
        ip,
      }));
  }

  /** Expires a session now, as Redis would after `refresh_token_ttl` without a refresh (or an eviction). */
  expire(sid: string): void {
    this.sessions.delete(sid);
  }

  private removeWhere(userId: string, matches: (sid: string) => boolean): string[] {
    const removed = [...this.sessions.values()]
      .filter((session) => session.userId === userId && matches(session.id) && this.live(session.id))
      .map((session) => session.id);
    for (const sid of removed) this.sessions.delete(sid);
    if (removed.length > 0) this.journal.push(`sessions.remove ${userId} ${removed.length}`);
    return removed;
  }

  private live(sid: string): StoredSession | undefined {
    const session = this.sessions.get(sid);
    if (session && session.expiresAtMs <= Date.now()) this.sessions.delete(sid);
    return session && session.expiresAtMs > Date.now() ? session : undefined;
  }
}
