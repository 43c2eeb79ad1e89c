import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type RealtimeConnection, type SessionEnd } from '../../client';
import { waitUntil } from '../../devtools/localStack';
import { cliSettings, makeAdminThroughCli, runCli } from '../harness/cli';
import { startSecondServer, type SecondServer } from '../harness/secondServer';
import { startTestServer, type TestServer } from '../harness/testServer';
import { signUp } from '../harness/users';

// Two server processes sharing rooms through the socket.io Redis adapter.
let serverA: TestServer;
let serverB: SecondServer;
beforeAll(async () => {
  serverA = await startTestServer({ socket_adapter: 'redis', random_job_interval_ms: 3_600_000 });
  serverB = await startSecondServer(serverA, 'redis');
});
afterAll(async () => {
  await serverB?.stop();
  await serverA?.stop();
});

/** Whether a socket (on either process) is in the admins room, seen from process A through the adapter. */
async function inAdmins(connection: RealtimeConnection, socketId: string): Promise<boolean> {
  void connection;
  return (await serverA.server.io.in('admins').fetchSockets()).some((socket) => socket.id === socketId);
}

describe('two server processes with socket_adapter=redis', () => {
  it(
    'user-revoke-admin (the CLI, a third process) takes a socket on the other process out of admins within 2 s',
    { timeout: 240_000 },
    async () => {
      const client = createClient({ baseURL: serverB.url });
      const { credentials } = await signUp(client);
      await makeAdminThroughCli(serverA, credentials.email);
      await client.sessions.login({ email: credentials.email, password: credentials.password });
      const connection = client.jobs.connect();
      try {
        await connection.connected();
        const socketId = connection.socket.id!;
        await waitUntil(() => inAdmins(connection, socketId), 5000, 'the admin socket on B to be in admins');
        const result = await runCli(['user-revoke-admin', '-u', credentials.email], { env: cliSettings(serverA) });
        expect(result.code, result.stderr).toBe(0);
        const revokedAt = Date.now();
        await waitUntil(async () => !(await inAdmins(connection, socketId)), 2000, 'the socket on B to leave admins');
        expect(Date.now() - revokedAt).toBeLessThan(2000);
        await expect(connection.requestAdminStatistics()).rejects.toMatchObject({ code: 'forbidden' });
        expect(connection.socket.id).toBe(socketId);
      } finally {
        connection.close();
      }
    },
  );

  it("scope=all on one process disconnects the user's sockets on both", { timeout: 60_000 }, async () => {
    const onA = serverA.client();
    const { credentials } = await signUp(onA);
    const onB = createClient({ baseURL: serverB.url });
    await onB.sessions.login({ email: credentials.email, password: credentials.password });
    const connections = [onA.jobs.connect(), onB.jobs.connect()];
    const ends: SessionEnd[][] = connections.map((connection) => {
      const seen: SessionEnd[] = [];
      connection.onSessionEnd((end) => seen.push(end));
      return seen;
    });
    try {
      await Promise.all(connections.map((connection) => connection.connected()));
      await onA.sessions.logout({ scope: 'all' });
      await waitUntil(async () => ends.every((seen) => seen.length > 0), 5000, 'both sockets to end');
      expect(ends).toEqual([[{ reason: 'revoked' }], [{ reason: 'revoked' }]]);
    } finally {
      connections.forEach((connection) => connection.close());
    }
  });
});
