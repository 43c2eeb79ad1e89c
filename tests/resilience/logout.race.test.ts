import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type NodeJobsClient, type RealtimeConnection } from '../../client';
import { waitUntil } from '../../devtools/localStack';
import { startSecondServer, type SecondServer } from '../harness/secondServer';
import { startTestServer, type TestServer } from '../harness/testServer';
import { signUp } from '../harness/users';

/** Sockets of the server still authenticated with a user's token (a survivor of a logout). */
async function authenticatedSockets(server: TestServer, userId: string): Promise<number> {
  return (await server.server.io.fetchSockets()).filter((socket) => socket.data.userId === userId).length;
}

/** A socket opened with `token`, without the SDK's own follow-ups (it must not reconnect with another token). */
function socketWith(baseURL: string, token: string): RealtimeConnection {
  const client = createClient({ baseURL });
  client.storage.set(token);
  return client.jobs.connect({ transports: ['websocket'] });
}

describe('the logout race', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ random_job_interval_ms: 3_600_000 });
  });
  afterAll(async () => {
    await server.stop();
  });

  it(
    'leaves no socket alive: 20 rounds of 10 connecting sockets with the logout 0–80 ms after them',
    { timeout: 240_000 },
    async () => {
      let survivors = 0;
      for (let round = 0; round < 20; round++) {
        const client: NodeJobsClient = server.client();
        const { user, token } = await signUp(client);
        const connections = Array.from({ length: 10 }, () => socketWith(server.server.url, token));
        // Every outcome is awaited: connected (and later disconnected) or refused.
        const settled = connections.map((connection) =>
          connection.connected().then(
            () => 'connected',
            () => 'refused',
          ),
        );
        await new Promise((resolve) => setTimeout(resolve, (round * 4) % 81));
        await client.sessions.logout();
        await Promise.all(settled);
        await waitUntil(
          async () => (await authenticatedSockets(server, user.id)) === 0,
          3000,
          'every socket of the token to be gone',
        ).catch(() => undefined);
        survivors += await authenticatedSockets(server, user.id);
        connections.forEach((connection) => connection.close());
      }
      expect(survivors).toBe(0);
    },
  );
});

describe('two server processes with socket_adapter=none', () => {
  let serverA: TestServer;
  let serverB: SecondServer;
  beforeAll(async () => {
    serverA = await startTestServer({ socket_adapter: 'none', random_job_interval_ms: 3_600_000 });
    serverB = await startSecondServer(serverA, 'none');
  });
  afterAll(async () => {
    await serverB?.stop();
    await serverA?.stop();
  });

  it("a logout on one disconnects the token's sockets on the other", { timeout: 60_000 }, async () => {
    const client = serverA.client();
    const { token } = await signUp(client);
    const onB = socketWith(serverB.url, token);
    const ended = new Promise((resolve) => onB.onSessionEnd(resolve));
    const disconnected = new Promise((resolve) => onB.socket.once('disconnect', resolve));
    try {
      await onB.connected();
      await client.sessions.logout();
      expect(await ended).toEqual({ reason: 'revoked' });
      expect(await disconnected).toBe('io server disconnect');
    } finally {
      onB.close();
    }
  });
});
