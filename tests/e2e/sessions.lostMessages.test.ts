import IORedis from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type RealtimeConnection, type SessionEnd } from '../../client';
import { freePort, startRedisServer, waitUntil, type LocalService } from '../../devtools/localStack';
import { accountEventsChannel } from '../../libraries/accountEvents';
import { startSecondServer, type SecondServer } from '../harness/secondServer';
import { startTestServer, type TestServer } from '../harness/testServer';
import { goodPassword, signUp } from '../harness/users';

// A redis-server of this file's own: killing its pub/sub clients disturbs no other test file.
// Process A (in this process) holds the sockets and logs in to Redis as the ACL user `sockets`,
// whose right to subscribe the tests can take away; process B makes the revocations.
let redis: LocalService;
let admin: IORedis;
let serverA: TestServer;
let serverB: SecondServer;
beforeAll(async () => {
  redis = await startRedisServer({ port: await freePort() });
  admin = new IORedis({ port: redis.port, lazyConnect: true });
  await admin.connect();
  await admin.acl('SETUSER', 'sockets', 'on', '>sockets-password', '~*', '&*', '+@all');
  serverA = await startTestServer({
    redis_url: `redis://sockets:sockets-password@127.0.0.1:${redis.port}`,
    random_job_interval_ms: 3_600_000,
  });
  serverB = await startSecondServer(serverA, 'none', { env: { REDIS_PORT: String(redis.port) } });
});
afterAll(async () => {
  await serverB?.stop();
  await serverA?.stop();
  admin?.disconnect();
  await redis?.stop();
});

/** The subscribers of the account events' channel, as Redis counts them. */
async function subscribers(): Promise<number> {
  const [, count] = (await admin.pubsub('NUMSUB', accountEventsChannel(serverA.config.redis_key_prefix))) as [
    string,
    number,
  ];
  return count;
}

/** A socket on A with the session of a fresh user; B holds the same session's token. */
async function socketOnA(): Promise<{
  connection: RealtimeConnection;
  ends: { end: SessionEnd; at: number }[];
  logoutOnB: () => Promise<void>;
}> {
  const onA = serverA.client();
  const { credentials } = await signUp(onA);
  const onB = createClient({ baseURL: serverB.url });
  await onB.sessions.login({ email: credentials.email, password: goodPassword });
  onA.storage.set(onB.storage.get()!);
  const connection = onA.jobs.connect({ transports: ['websocket'] });
  const ends: { end: SessionEnd; at: number }[] = [];
  connection.onSessionEnd((end) => ends.push({ end, at: Date.now() }));
  await connection.connected();
  return { connection, ends, logoutOnB: () => onB.sessions.logout() };
}

/** Resolves with the time A's subscription is next confirmed back after a drop. */
function nextResubscription(): Promise<number> {
  return new Promise((resolve) => {
    const off = serverA.server.services.accountEvents.onResubscribed(() => {
      off();
      resolve(Date.now());
    });
  });
}

describe('a dropped subscription', () => {
  it('CLIENT KILL TYPE pubsub, then a logout on the other process: the socket ends within 2 s of the subscription being back', async () => {
    const { connection, ends, logoutOnB } = await socketOnA();
    try {
      await waitUntil(async () => (await subscribers()) === 2, 5000, 'both processes to subscribe');
      const resubscribed = nextResubscription();
      await admin.client('KILL', 'TYPE', 'pubsub');
      await logoutOnB();
      const backAt = await resubscribed;
      await waitUntil(async () => ends.length > 0, 5000, 'the socket on A to end');
      console.log(`socket ended ${ends[0]!.at - backAt} ms after the subscription was back`);
      expect(ends.map(({ end }) => end)).toEqual([{ reason: 'revoked' }]);
      expect(ends[0]!.at - backAt).toBeLessThan(2000);
    } finally {
      connection.close();
    }
  });

  it('a logout whose message is certainly lost (A may not subscribe meanwhile) still ends the socket within 2 s of the subscription being back', async () => {
    const { connection, ends, logoutOnB } = await socketOnA();
    try {
      await waitUntil(async () => (await subscribers()) === 2, 5000, 'both processes to subscribe');
      await admin.acl('SETUSER', 'sockets', 'resetchannels');
      await admin.client('KILL', 'TYPE', 'pubsub');
      // B is back, A is refused: the logout's message reaches B only.
      await waitUntil(async () => (await subscribers()) === 1, 5000, 'B alone to subscribe again');
      await logoutOnB();
      expect(await subscribers()).toBe(1);
      expect(ends).toEqual([]);
      expect(connection.socket.connected).toBe(true);

      const resubscribed = nextResubscription();
      await admin.acl('SETUSER', 'sockets', 'allchannels');
      const backAt = await resubscribed;
      await waitUntil(async () => ends.length > 0, 5000, 'the socket on A to end');
      console.log(`lost message: socket ended ${ends[0]!.at - backAt} ms after the subscription was back`);
      expect(ends.map(({ end }) => end)).toEqual([{ reason: 'revoked' }]);
      expect(ends[0]!.at - backAt).toBeLessThan(2000);
    } finally {
      connection.close();
    }
  });
});
