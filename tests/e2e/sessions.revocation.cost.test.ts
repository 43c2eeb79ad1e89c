import IORedis from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeJobsClient } from '../../client';
import { freePort, startRedisServer, type LocalService } from '../../devtools/localStack';
import { startTestServer, type TestServer } from '../harness/testServer';
import { goodPassword, signUp } from '../harness/users';

// A redis-server of its own, so every command counted comes from this file's server.
let redis: LocalService;
let server: TestServer;
let observer: IORedis;
beforeAll(async () => {
  redis = await startRedisServer({ port: await freePort() });
  server = await startTestServer({ redis_port: redis.port });
  observer = new IORedis({ port: redis.port, lazyConnect: true });
  await observer.connect();
});
afterAll(async () => {
  observer.disconnect();
  await server.stop();
  await redis.stop();
});

/** Calls per command so far, from `INFO commandstats`. */
async function commandCalls(): Promise<Map<string, number>> {
  const calls = new Map<string, number>();
  for (const match of (await observer.info('commandstats')).matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm))
    calls.set(match[1]!, Number(match[2]));
  return calls;
}

/** The Redis commands one call costs (the observer's own INFO left out). */
async function commandsOf(call: () => Promise<unknown>): Promise<Record<string, number>> {
  const before = await commandCalls();
  await call();
  const after = await commandCalls();
  const delta: Record<string, number> = {};
  for (const [command, calls] of after) {
    const added = calls - (before.get(command) ?? 0);
    if (command !== 'info' && added > 0) delta[command] = added;
  }
  return delta;
}

/** A stored user of the server, as the services read it. */
async function storedUser(id: string) {
  return (await server.server.services.users.getById(id))!;
}

const unitClient = { userAgent: 'cost-test', ip: '127.0.0.1' };

describe('the cost of revocation', () => {
  it('is one round trip per authenticated request (one script reading the session and the clock), however many sessions the user has or ended', async () => {
    const client: NodeJobsClient = server.client();
    const { user } = await signUp(client);
    const { sessions } = server.server.services;
    await client.sessions.current(); // the server learns the script once

    const withOne = await commandsOf(() => client.users.get(user.id));
    expect(withOne).toEqual({ evalsha: 1, hmget: 1, time: 1 });

    // 2,000 more sessions of the user, in batches (each must beat the server's 2 s Redis timeout on a starved machine), half ended.
    const stored = await storedUser(user.id);
    const started: string[] = [];
    for (let batch = 0; batch < 20; batch++) {
      const created = await Promise.all(Array.from({ length: 100 }, () => sessions.create(stored, unitClient)));
      started.push(...created.map((session) => session.sid));
    }
    for (let batch = 0; batch < 10; batch++)
      await Promise.all(started.slice(batch * 100, batch * 100 + 100).map((sid) => sessions.end(user.id, sid)));
    expect(await observer.dbsize()).toBeGreaterThanOrEqual(1001);

    expect(await commandsOf(() => client.users.get(user.id))).toEqual(withOne);
    expect(await commandsOf(() => client.sessions.current())).toEqual(withOne);

    // "Log out everywhere else" deletes the other sessions; the check stays one round trip, and refuses the others.
    const other = server.client();
    await other.sessions.login({ email: user.email, password: goodPassword });
    await client.sessions.logout({ scope: 'others' });
    expect(await commandsOf(() => client.users.get(user.id))).toEqual(withOne);
    await expect(other.sessions.current()).rejects.toMatchObject({ status: 403 });
    expect((await client.sessions.list(user.id)).length).toBe(1);
  });

  it('writes lastUsedAt at most once a minute, not once a request', async () => {
    const client = server.client();
    const { user } = await signUp(client);
    await client.sessions.current();
    const twenty = await commandsOf(async () => {
      for (let i = 0; i < 20; i++) await client.users.get(user.id);
    });
    expect(twenty).toEqual({ evalsha: 20, hmget: 20, time: 20 });
  });

  it('keeps every session key with an expiry, and leaves nothing of the sessions a user ended', async () => {
    const client = server.client();
    const { user, credentials } = await signUp(client);
    for (let i = 0; i < 3; i++) await server.client().sessions.login(credentials);
    await client.sessions.refresh(); // a spent refresh hash, too
    const prefix = server.config.redis_key_prefix;
    const sids = (await client.sessions.list(user.id)).map((session) => session.id);
    expect(sids).toHaveLength(4);
    const keysOf = (sid: string) => [`${prefix}session:${sid}`, `${prefix}sessionSpent:${sid}`];
    const keys = [`${prefix}userSessions:${user.id}`, ...sids.flatMap(keysOf)];
    for (const key of keys) {
      const ttlMs = await observer.pttl(key);
      if (ttlMs === -2) continue; // no spent hash in this session
      expect(ttlMs, key).toBeGreaterThan(0);
      expect(ttlMs, key).toBeLessThanOrEqual(server.config.refresh_token_ttl * 1000);
    }
    await client.sessions.logout({ scope: 'all' });
    expect(await observer.exists(...keys)).toBe(0);
  });
});
