import { type Redis, RedisScript } from './redis';

/** A session as stored; its times are the store's clock (Redis's), in milliseconds since the epoch. */
export interface SessionRecord {
  id: string;
  userId: string;
  /** The user's token generation when the session began: its tokens carry it. */
  generation: number;
  createdAtMs: number;
  lastUsedAtMs: number;
  userAgent: string;
  ip: string;
}

/** What checking a token needs of its session: whose it is, and of which generation. */
export type SessionOwner = Pick<SessionRecord, 'userId' | 'generation'>;

/** A session to store, with the hash of its first refresh token. */
export interface NewSessionRecord {
  id: string;
  userId: string;
  generation: number;
  userAgent: string;
  ip: string;
  refreshHash: string;
}

/**
 * What presenting a refresh token did: `rotated` (it was the session's: the next hash is stored, the
 * presented one spent), `reused` (it was already spent: the session is deleted), or `unknown` (no
 * such session, or a hash it never had).
 */
export type Rotation =
  { outcome: 'rotated'; owner: SessionOwner } | { outcome: 'reused'; userId: string } | { outcome: 'unknown' };

/**
 * The session records: Redis in the server (`RedisSessionRecords`), a map in the unit tests. Each
 * call is one atomic step. A session that is not stored — deleted, expired, evicted — is ended:
 * every token of it is refused, and it never comes back.
 */
export interface SessionRecords {
  /** Stores a new session and lists it under its user; both last `ttlMs`. */
  create(session: NewSessionRecord, ttlMs: number): Promise<void>;
  /**
   * The owner of a session, marking it used when its `lastUsedAt` is `intervalMs` old or older (so
   * not a write per request); undefined when the session is not stored.
   */
  touch(sid: string, intervalMs: number): Promise<SessionOwner | undefined>;
  /** The owners of several sessions at once (undefined for each one not stored), marking none used. */
  owners(sids: readonly string[]): Promise<(SessionOwner | undefined)[]>;
  /** Trades the session's refresh hash `presentedHash` for `nextHash`, renewing the session for `ttlMs`; see `Rotation`. */
  rotate(sid: string, presentedHash: string, nextHash: string, ttlMs: number): Promise<Rotation>;
  /** Deletes those of `sids` that are sessions of `userId`; returns the ones deleted. */
  remove(userId: string, sids: readonly string[]): Promise<string[]>;
  /** Deletes every session of `userId` except `exceptSid`; returns the ones deleted. */
  removeAll(userId: string, exceptSid?: string): Promise<string[]>;
  /** Every stored session of `userId`. */
  list(userId: string): Promise<SessionRecord[]>;
}

/** Redis key of a session (a hash; the client adds `redis_key_prefix`). */
export const sessionKey = (sid: string) => `session:${sid}`;
/** Redis key of the spent refresh hashes of a session (a set), for reuse detection. */
export const spentRefreshKey = (sid: string) => `sessionSpent:${sid}`;
/** Redis key of the ids of a user's sessions (a set). */
export const userSessionsKey = (userId: string) => `userSessions:${userId}`;

// The scripts read the time from Redis, so every process stamps sessions with the same clock. Keys
// they build from ids (`ARGV[1]` is the key prefix) are undeclared: a single Redis, not a cluster.
const nowMs = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local nowText = string.format('%d', now)`;

/** KEYS: session, userSessions. ARGV: sid, userId, generation, userAgent, ip, refreshHash, ttlMs. */
const createScript = new RedisScript(`${nowMs}
redis.call('HSET', KEYS[1], 'userId', ARGV[2], 'generation', ARGV[3], 'userAgent', ARGV[4], 'ip', ARGV[5],
  'refreshHash', ARGV[6], 'createdAt', nowText, 'lastUsedAt', nowText)
redis.call('PEXPIRE', KEYS[1], ARGV[7])
redis.call('SADD', KEYS[2], ARGV[1])
redis.call('PEXPIRE', KEYS[2], ARGV[7])
return 1`);

/** KEYS: session. ARGV: intervalMs. */
const touchScript = new RedisScript(`
local fields = redis.call('HMGET', KEYS[1], 'userId', 'generation', 'lastUsedAt')
if not fields[1] then return false end
${nowMs}
if now - (tonumber(fields[3]) or 0) >= tonumber(ARGV[1]) then redis.call('HSET', KEYS[1], 'lastUsedAt', nowText) end
return { fields[1], fields[2] }`);

/** KEYS: sessions. */
const ownersScript = new RedisScript(`
local owners = {}
for i, key in ipairs(KEYS) do
  local fields = redis.call('HMGET', key, 'userId', 'generation')
  owners[i] = fields[1] and { fields[1], fields[2] } or false
end
return owners`);

/** KEYS: session, spent. ARGV: prefix, sid, presentedHash, nextHash, ttlMs. */
const rotateScript = new RedisScript(`
local fields = redis.call('HMGET', KEYS[1], 'userId', 'generation', 'refreshHash')
if not fields[1] then return { 'unknown' } end
local userSessions = ARGV[1] .. 'userSessions:' .. fields[1]
if fields[3] == ARGV[3] then
  ${nowMs}
  redis.call('HSET', KEYS[1], 'refreshHash', ARGV[4], 'lastUsedAt', nowText)
  redis.call('SADD', KEYS[2], ARGV[3])
  redis.call('SADD', userSessions, ARGV[2])
  for _, key in ipairs({ KEYS[1], KEYS[2], userSessions }) do redis.call('PEXPIRE', key, ARGV[5]) end
  return { 'rotated', fields[1], fields[2] }
end
if redis.call('SISMEMBER', KEYS[2], ARGV[3]) == 1 then
  redis.call('DEL', KEYS[1], KEYS[2])
  redis.call('SREM', userSessions, ARGV[2])
  return { 'reused', fields[1] }
end
return { 'unknown' }`);

/** Deletes the session `sid` of the user `ARGV[2]` (a helper of the two scripts below). */
const removeOne = `
local function removeOne(sid)
  local key = ARGV[1] .. 'session:' .. sid
  local owned = redis.call('HGET', key, 'userId') == ARGV[2]
  if owned then redis.call('DEL', key, ARGV[1] .. 'sessionSpent:' .. sid) end
  redis.call('SREM', KEYS[1], sid)
  return owned
end
local removed = {}`;

/** KEYS: userSessions. ARGV: prefix, userId, sids… */
const removeScript = new RedisScript(`${removeOne}
for i = 3, #ARGV do if removeOne(ARGV[i]) then removed[#removed + 1] = ARGV[i] end end
return removed`);

/** KEYS: userSessions. ARGV: prefix, userId, exceptSid ('' for none). */
const removeAllScript = new RedisScript(`${removeOne}
for _, sid in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if sid ~= ARGV[3] and removeOne(sid) then removed[#removed + 1] = sid end
end
return removed`);

/** KEYS: userSessions. ARGV: prefix. Forgets ids of sessions that expired. */
const listScript = new RedisScript(`
local sessions = {}
for _, sid in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local fields = redis.call('HMGET', ARGV[1] .. 'session:' .. sid, 'userId', 'generation', 'createdAt', 'lastUsedAt',
    'userAgent', 'ip')
  if fields[1] then sessions[#sessions + 1] = { sid, unpack(fields) } else redis.call('SREM', KEYS[1], sid) end
end
return sessions`);

type Reply = string | number | null | Reply[];

const ownerOf = (reply: Reply): SessionOwner | undefined =>
  Array.isArray(reply) ? { userId: String(reply[0]), generation: Number(reply[1]) } : undefined;

/**
 * The session records in Redis, each operation one Lua script (one round trip, atomic): a hash per
 * session (`session:<sid>`), the set of a user's sessions (`userSessions:<userId>`), and the set of
 * a session's spent refresh hashes (`sessionSpent:<sid>`), all expiring with the session.
 */
export class RedisSessionRecords implements SessionRecords {
  /** @param redis the store (`maxmemory-policy noeviction` in production: an evicted session would end) */
  constructor(private readonly redis: Pick<Redis, 'runScript' | 'keyPrefix'>) {}

  async create(session: NewSessionRecord, ttlMs: number): Promise<void> {
    await this.redis.runScript(
      createScript,
      [sessionKey(session.id), userSessionsKey(session.userId)],
      [session.id, session.userId, session.generation, session.userAgent, session.ip, session.refreshHash, ttlMs],
    );
  }

  async touch(sid: string, intervalMs: number): Promise<SessionOwner | undefined> {
    return ownerOf((await this.redis.runScript(touchScript, [sessionKey(sid)], [intervalMs])) as Reply);
  }

  async owners(sids: readonly string[]): Promise<(SessionOwner | undefined)[]> {
    if (sids.length === 0) return [];
    const replies = (await this.redis.runScript(ownersScript, sids.map(sessionKey), [])) as Reply[];
    return replies.map(ownerOf);
  }

  async rotate(sid: string, presentedHash: string, nextHash: string, ttlMs: number): Promise<Rotation> {
    const [outcome, userId, generation] = (await this.redis.runScript(
      rotateScript,
      [sessionKey(sid), spentRefreshKey(sid)],
      [this.redis.keyPrefix, sid, presentedHash, nextHash, ttlMs],
    )) as [string, string?, string?];
    if (outcome === 'rotated') return { outcome, owner: { userId: userId!, generation: Number(generation) } };
    if (outcome === 'reused') return { outcome, userId: userId! };
    return { outcome: 'unknown' };
  }

  async remove(userId: string, sids: readonly string[]): Promise<string[]> {
    if (sids.length === 0) return [];
    return (await this.redis.runScript(
      removeScript,
      [userSessionsKey(userId)],
      [this.redis.keyPrefix, userId, ...sids],
    )) as string[];
  }

  async removeAll(userId: string, exceptSid = ''): Promise<string[]> {
    return (await this.redis.runScript(
      removeAllScript,
      [userSessionsKey(userId)],
      [this.redis.keyPrefix, userId, exceptSid],
    )) as string[];
  }

  async list(userId: string): Promise<SessionRecord[]> {
    const rows = (await this.redis.runScript(listScript, [userSessionsKey(userId)], [this.redis.keyPrefix])) as (
      string | null
    )[][];
    return rows.map(([id, owner, generation, createdAt, lastUsedAt, userAgent, ip]) => ({
      id: id!,
      userId: owner!,
      generation: Number(generation),
      createdAtMs: Number(createdAt),
      lastUsedAtMs: Number(lastUsedAt),
      userAgent: userAgent ?? '',
      ip: ip ?? '',
    }));
  }
}
