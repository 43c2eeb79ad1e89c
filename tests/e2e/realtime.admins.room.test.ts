import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminStatistics, RealtimeConnection } from '../../client';
import { waitUntil } from '../../devtools/localStack';
import { makeAdminThroughCli } from '../harness/cli';
import { startTestServer, type TestServer } from '../harness/testServer';
import { signUp } from '../harness/users';

function collect(connection: RealtimeConnection): AdminStatistics[] {
  const seen: AdminStatistics[] = [];
  connection.onAdminStatistics((statistics) => seen.push(statistics));
  return seen;
}

/** The number of jobs in data_file now. */
async function savedLength(server: TestServer): Promise<number> {
  return (JSON.parse(await readFile(server.config.data_file, 'utf8')) as unknown[]).length;
}

describe('adminStatisticsRequest', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ random_job_interval_ms: 3_600_000 });
  });
  afterAll(async () => {
    await server.stop();
  });

  it('sends the statistics to every socket of the admins room, not only to the requester, and to no one else', async () => {
    const requesterClient = server.client();
    const { credentials } = await signUp(requesterClient);
    await makeAdminThroughCli(server, credentials.email);
    // Tokens issued after becoming admin: two sessions of the admin, two sockets in the room.
    await requesterClient.sessions.login({ email: credentials.email, password: credentials.password });
    const listenerClient = server.client();
    await listenerClient.sessions.login({ email: credentials.email, password: credentials.password });
    const userClient = server.client();
    await signUp(userClient);

    const result = await requesterClient.jobs.search({ location: 'Berlin' });
    expect(result.length).toBeGreaterThan(0);
    // The search answers once its result is saved (and its statistics were sent unasked, before these sockets).
    expect(await savedLength(server)).toBe(result.length);

    const requester = requesterClient.jobs.connect();
    const listener = listenerClient.jobs.connect();
    const user = userClient.jobs.connect();
    try {
      await Promise.all([requester.connected(), listener.connected(), user.connected()]);
      const listenerSeen = collect(listener);
      const userSeen = collect(user);

      // Three sockets of two users, one of them an admin with two sessions, on one process.
      const statistics = { availableJobs: result.length, sockets: 3, users: 2, admins: 1, processes: 1 };
      expect(await requester.requestAdminStatistics()).toEqual(statistics);
      await waitUntil(async () => listenerSeen.length > 0, 5000, 'the second admin socket to receive the statistics');
      expect(listenerSeen).toEqual([statistics]);
      expect(userSeen).toEqual([]);
    } finally {
      requester.close();
      listener.close();
      user.close();
    }
  }, 90_000);
});
