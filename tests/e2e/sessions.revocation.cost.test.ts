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

describe('the cost of revocation', () => {
  it('is one MGET per authenticated request with one revoked token, or with 10,000 and a "log out everywhere" mark', async () => {
    const client: NodeJobsClient = server.client();
    const { user } = await signUp(client);
    const { tokens, revocations } = server.server.services;
    await revocations.revoke(tokens.create(user.id).claims);

    const withOne = await commandsOf(() => client.users.get(user.id));
    // One round trip reads the token's own revocation and its user's "tokens issued before T" mark.
    expect(withOne).toEqual({ mget: 1 });

    // Batches of 100: each revocation must beat the server's 2 s Redis timeout even on a starved machine.
    for (let batch = 0; batch < 100; batch++) {
      await Promise.all(Array.from({ length: 100 }, () => revocations.revoke(tokens.create(user.id).claims)));
    }
    expect(await observer.dbsize()).toBeGreaterThanOrEqual(10_001);

    const withTenThousand = await commandsOf(() => client.users.get(user.id));
    expect(withTenThousand).toEqual(withOne);
    expect(await commandsOf(() => client.sessions.current())).toEqual(withOne);

    // "Log out everywhere else" leaves a per-user mark; the check stays one round trip, and refuses the others.
    const other = server.client();
    await other.sessions.login({ email: user.email, password: goodPassword });
    await client.sessions.logout({ scope: 'others' });
    expect(await observer.exists(`${server.config.redis_key_prefix}userTokens:${user.id}`)).toBe(1);
    expect(await commandsOf(() => client.users.get(user.id))).toEqual(withOne);
    expect(await commandsOf(() => client.sessions.current())).toEqual(withOne);
    await expect(other.sessions.current()).rejects.toMatchObject({ status: 403 });
  });

  it('stores each revocation with an expiry, never as a growing per-user list, and announces it once', async () => {
    const { user } = await signUp(server.client());
    const { tokens, revocations } = server.server.services;
    const { claims } = tokens.create(user.id);
    const commands = await commandsOf(() => revocations.revoke(claims));
    expect(commands).toEqual({ set: 1, publish: 1 });
    await revocations.revokeUserTokens(user.id);
    const keys = await observer.keys(`${server.config.redis_key_prefix}*`);
    expect(keys).toContain(`${server.config.redis_key_prefix}userTokens:${user.id}`);
    for (const key of keys.slice(0, 50)) expect(await observer.pttl(key)).toBeGreaterThan(0);
  });
});
