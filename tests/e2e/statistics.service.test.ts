import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type AdminStatistics, type NodeJobsClient, type RealtimeConnection } from '../../client';
import { waitUntil } from '../../devtools/localStack';
import { makeAdminThroughCli } from '../harness/cli';
import { startSecondServer, type SecondServer } from '../harness/secondServer';
import { startTestServer, type TestServer } from '../harness/testServer';
import { signUp } from '../harness/users';

// Two server processes of one service, sharing rooms through the socket.io Redis adapter.
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

function collect(connection: RealtimeConnection): AdminStatistics[] {
  const seen: AdminStatistics[] = [];
  connection.onAdminStatistics((statistics) => seen.push(statistics));
  return seen;
}

describe('adminStatistics of a service on two processes (socket_adapter=redis)', () => {
  it(
    'gives the same figures of the whole service whichever process answers, with the latest search result of either',
    { timeout: 120_000 },
    async () => {
      const onA = serverA.client();
      const { credentials } = await signUp(onA);
      await makeAdminThroughCli(serverA, credentials.email);
      await onA.sessions.login({ email: credentials.email, password: credentials.password });
      const adminOnB = createClient({ baseURL: serverB.url });
      await adminOnB.sessions.login({ email: credentials.email, password: credentials.password });
      const userOnB = createClient({ baseURL: serverB.url });
      await signUp(userOnB);
      const anonymousOnA: NodeJobsClient = serverA.client();

      // Four sockets: the admin on both processes, a user and an anonymous visitor.
      const connections = [onA, adminOnB, userOnB, anonymousOnA].map((client) => client.jobs.connect());
      const [adminA, adminB] = connections as [RealtimeConnection, RealtimeConnection];
      try {
        await Promise.all(connections.map((connection) => connection.connected()));
        const onBSearch = await adminOnB.jobs.search({ location: 'Berlin' });
        const expected = { availableJobs: onBSearch.length, sockets: 4, users: 2, admins: 1, processes: 2 };
        const fromA = await adminA.requestAdminStatistics();
        const fromB = await adminB.requestAdminStatistics();
        expect(fromA).toEqual(expected);
        expect(fromB).toEqual(fromA);
        console.log(`statistics from process A: ${JSON.stringify(fromA)}; from process B: ${JSON.stringify(fromB)}`);

        // A search on A changes the figure for both, though B's own data_file still holds Berlin's result.
        const seenOnB = collect(adminB);
        const onASearch = await onA.jobs.search();
        expect(onASearch.length).not.toBe(onBSearch.length);
        await waitUntil(
          async () => seenOnB.some((statistics) => statistics.availableJobs === onASearch.length),
          10_000,
          'the statistics pushed to the admin on B',
        );
        expect(await adminB.requestAdminStatistics()).toEqual({ ...expected, availableJobs: onASearch.length });
        const ownFileOfA = JSON.parse(await readFile(serverA.config.data_file, 'utf8')) as unknown[];
        expect(ownFileOfA).toHaveLength(onASearch.length);
      } finally {
        connections.forEach((connection) => connection.close());
      }
    },
  );
});
