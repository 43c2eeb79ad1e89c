import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import type { AdminStatistics, NewUser, NodeJobsClient, RealtimeConnection } from '../../client';
import { waitUntil } from '../../devtools/localStack';
import { cliSettings, exited, makeAdminThroughCli, spawnCli, waitForLine } from '../harness/cli';
import { startTestServer, type TestServer } from '../harness/testServer';
import { signUp } from '../harness/users';

/**
 * Registers a user on `client`, makes them an admin through the CLI and logs `client` in again, so
 * that its token is issued after becoming admin.
 */
async function signUpAdmin(server: TestServer, client: NodeJobsClient): Promise<NewUser> {
  const { credentials } = await signUp(client);
  await makeAdminThroughCli(server, credentials.email);
  await client.sessions.login({ email: credentials.email, password: credentials.password });
  return credentials;
}

/** The sockets in a server's admins room (across processes with the Redis adapter). */
const adminSockets = (server: TestServer) => server.server.io.in('admins').fetchSockets();

/** Whether a connection's socket is in a server's admins room. */
async function inAdminsRoom(server: TestServer, connection: RealtimeConnection): Promise<boolean> {
  return (await adminSockets(server)).some((socket) => socket.id === connection.socket.id);
}

function collect(connection: RealtimeConnection): AdminStatistics[] {
  const seen: AdminStatistics[] = [];
  connection.onAdminStatistics((statistics) => seen.push(statistics));
  return seen;
}

/** The number of jobs in the last saved result (data_file); 0 before the first search. */
async function dataFileLength(server: TestServer): Promise<number> {
  try {
    return (JSON.parse(await readFile(server.config.data_file, 'utf8')) as unknown[]).length;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
}

describe('the admins room', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ random_job_interval_ms: 3_600_000 });
  });
  afterAll(async () => {
    await server.stop();
  });

  it('gives an admin socket statistics equal to the length of data_file, and refuses a normal user', async () => {
    const adminClient = server.client();
    const { credentials } = await signUp(adminClient);
    await makeAdminThroughCli(server, credentials.email);
    const userClient = server.client();
    await signUp(userClient);

    await adminClient.jobs.search({ location: 'Berlin' });
    const admin = adminClient.jobs.connect();
    const user = userClient.jobs.connect();
    try {
      await Promise.all([admin.connected(), user.connected()]);
      const statistics = await admin.requestAdminStatistics();
      expect(statistics).toMatchObject({ availableJobs: await dataFileLength(server) });
      expect(statistics.availableJobs).toBeGreaterThan(0);

      const userStatistics = collect(user);
      await expect(user.requestAdminStatistics()).rejects.toMatchObject({ name: 'SocketError', code: 'forbidden' });

      // A search rewrites data_file: the admins receive fresh statistics unasked.
      const unasked = collect(admin);
      const all = await adminClient.jobs.search();
      await waitUntil(
        async () => unasked.some((seen) => seen.availableJobs === all.length),
        15_000,
        'unasked statistics',
      );
      expect(all.length).not.toBe(statistics.availableJobs);
      expect(userStatistics).toEqual([]);
    } finally {
      admin.close();
      user.close();
    }
  });

  it('stops sending statistics to a socket whose admin token was revoked by logout', async () => {
    const adminClient = server.client();
    const { email, password } = await signUpAdmin(server, adminClient);

    // A second admin session that stays logged in proves the broadcasts still happen.
    const witnessClient = server.client();
    await witnessClient.sessions.login({ email, password });

    const admin = adminClient.jobs.connect();
    const witness = witnessClient.jobs.connect();
    try {
      await Promise.all([admin.connected(), witness.connected()]);
      expect(await admin.requestAdminStatistics()).toMatchObject({ availableJobs: await dataFileLength(server) });
      const adminSeen = collect(admin);
      const witnessSeen = collect(witness);

      // The same token, logged out from elsewhere (another tab): the SDK of `admin` does not know.
      const otherTab = server.client();
      otherTab.storage.set(adminClient.storage.get()!);
      await otherTab.sessions.logout();
      await waitUntil(
        async () => !admin.socket.connected || !(await inAdminsRoom(server, admin)),
        15_000,
        'the revoked socket to leave admins',
      );

      const result = await witnessClient.jobs.search({ location: 'Munich' });
      await waitUntil(
        async () => witnessSeen.some((seen) => seen.availableJobs === result.length),
        15_000,
        'the witness to get statistics',
      );
      expect(adminSeen).toEqual([]);
      await expect(admin.requestAdminStatistics()).rejects.toMatchObject({ name: 'SocketError' });
    } finally {
      admin.close();
      witness.close();
    }
  });

  it('refuses a revoked token at connect', async () => {
    const client = server.client();
    await signUp(client);
    const token = client.storage.get()!;
    await client.sessions.logout();
    client.storage.set(token);
    const connection = client.jobs.connect();
    try {
      await expect(connection.connected()).rejects.toMatchObject({
        name: 'SocketError',
        code: 'connect_error',
        message: expect.stringMatching(/revoked/i),
      });
    } finally {
      connection.close();
    }
  });

  it('reconnects anonymously after the SDK logs out, and as the user after it logs in', async () => {
    const client = server.client();
    const { email, password } = await signUpAdmin(server, client);
    const connection = client.jobs.connect();
    try {
      await connection.connected();
      const saved = await client.jobs.search({ location: 'Hamburg' });
      expect(await connection.requestAdminStatistics()).toMatchObject({ availableJobs: saved.length });
      await client.sessions.logout();
      await waitUntil(
        async () => connection.socket.connected && !(await inAdminsRoom(server, connection)),
        15_000,
        'an anonymous reconnection',
      );
      await expect(connection.requestAdminStatistics()).rejects.toMatchObject({ code: 'forbidden' });
      await client.sessions.login({ email, password });
      await waitUntil(() => inAdminsRoom(server, connection), 15_000, 'an admin reconnection');
      expect(await connection.requestAdminStatistics()).toMatchObject({ availableJobs: saved.length });
    } finally {
      connection.close();
    }
  });
});

describe('an admin token that expires', () => {
  it('takes the socket out of the admins room when the token expires', async () => {
    const server = await startTestServer({ random_job_interval_ms: 3_600_000, token_ttl: '4s' });
    try {
      // Without the SDK's renewal, which would keep the session (and the admin socket) alive.
      const client = server.client({ autoRefresh: false });
      const saved = await client.jobs.search({ location: 'Berlin' });
      await signUpAdmin(server, client);
      const connection = client.jobs.connect();
      try {
        await connection.connected();
        expect(await connection.requestAdminStatistics()).toMatchObject({ availableJobs: saved.length });
        await waitUntil(
          async () => (await adminSockets(server)).length === 0,
          20_000,
          'the expired socket to leave admins',
        );
      } finally {
        connection.close();
      }
    } finally {
      await server.stop();
    }
  });
});

describe('two server processes with socket_adapter=redis', () => {
  it('delivers statistics triggered by a search on one process to an admin connected to the other', async () => {
    const serverA = await startTestServer({ socket_adapter: 'redis', random_job_interval_ms: 3_600_000 });
    const stack = inject('stack');
    const serverB = spawnCli(['serve', '--port', '0', '--host', '127.0.0.1'], {
      env: {
        ...cliSettings(serverA),
        SOCKET_ADAPTER: 'redis',
        S3_ENDPOINT: stack.s3Endpoint,
        S3_BUCKET: serverA.config.s3_bucket,
        DATA_FILE: `${serverA.directory}/b/data.json`,
        LOG_FILE: `${serverA.directory}/b/nodeJobs.log`,
      },
    });
    try {
      const [, urlB] = await waitForLine(serverB, /node-jobs API: (http:\/\/\S+?)\/?\n/, 180_000);
      const adminClient = serverA.client();
      await signUpAdmin(serverA, adminClient);
      const admin = adminClient.jobs.connect();
      try {
        await admin.connected();
        const seen = collect(admin);
        const { createClient } = await import('../../client');
        const onB = await createClient({ baseURL: urlB! }).jobs.search({ location: 'Tokyo' });
        expect(onB.length).toBeGreaterThan(0);
        await waitUntil(
          async () => seen.some((statistics) => statistics.availableJobs === onB.length),
          10_000,
          'statistics from the other process',
        );
      } finally {
        admin.close();
      }
    } finally {
      serverB.kill('SIGTERM');
      await exited(serverB);
      await serverA.stop();
    }
  }, 300_000);
});
