import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Job, RealtimeConnection } from '../../client';
import { waitUntil } from '../../devtools/localStack';
import { startTestServer, type TestServer } from '../harness/testServer';
import { startUpstream, type Upstream } from '../harness/upstream';

const intervalMs = 100;
let upstream: Upstream;
let server: TestServer;

beforeAll(async () => {
  upstream = await startUpstream();
  server = await startTestServer({
    jobs_provider: 'github',
    jobs_api_url: `${upstream.url}/github/positions.json`,
    random_job_interval_ms: intervalMs,
  });
});
afterAll(async () => {
  await server.stop();
  await upstream.close();
});

/** Collects what a connection receives. */
function record(connection: RealtimeConnection): { jobs: Job[]; at: number[] } {
  const seen = { jobs: [] as Job[], at: [] as number[] };
  connection.onRandomJob((job) => {
    seen.jobs.push(job);
    seen.at.push(Date.now());
  });
  return seen;
}

describe('random jobs for anonymous sockets', () => {
  it('sends each socket one randomJob per configured interval (fake interval timers)', async () => {
    await server.client().jobs.search(); // warms the cache the ticks read from
    // Only setInterval is faked: the ticker's clock moves when the test says, the network stays real.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const connection = server.client().jobs.connect();
    try {
      await connection.connected();
      const seen = record(connection);
      for (let tick = 1; tick <= 3; tick++) {
        vi.advanceTimersByTime(intervalMs - 1);
        // A round trip on the socket lets any early event arrive first.
        expect(await connection.requestJob('Atlantis')).toBeNull();
        expect(seen.jobs).toHaveLength(tick - 1);
        vi.advanceTimersByTime(1);
        await waitUntil(async () => seen.jobs.length === tick, 10_000, `random job ${tick}`);
      }
      for (const job of seen.jobs) expect(typeof job.title).toBe('string');
    } finally {
      connection.close();
      await waitUntil(async () => server.server.randomJobs.counts().sockets === 0, 10_000, 'the socket to be gone');
      vi.useRealTimers();
    }
  });

  it('answers jobRequest with a job of that location to the requester only', async () => {
    // No ticks on this server, so whatever a socket receives was asked for.
    const quiet = await startTestServer({
      jobs_provider: 'github',
      jobs_api_url: `${upstream.url}/github/positions.json`,
      random_job_interval_ms: 3_600_000,
    });
    const requester = quiet.client().jobs.connect();
    const bystander = quiet.client().jobs.connect();
    try {
      await Promise.all([requester.connected(), bystander.connected()]);
      const requesterJobs = record(requester);
      const bystanderJobs = record(bystander);
      const answers = await Promise.all(Array.from({ length: 5 }, () => requester.requestJob('Berlin')));
      for (const job of answers) expect(job?.location.toLowerCase()).toContain('berlin');
      await waitUntil(async () => requesterJobs.jobs.length === 5, 10_000, 'five randomJob events');
      expect(requesterJobs.jobs.map((job) => job.id).sort()).toEqual(answers.map((job) => job!.id).sort());
      // A round trip on the bystander's own socket proves its earlier events would have arrived by now.
      expect(await bystander.requestJob('Atlantis')).toBeNull();
      expect(bystanderJobs.jobs).toEqual([]);
    } finally {
      requester.close();
      bystander.close();
      await quiet.stop();
    }
  });

  it('resolves null and emits jobNotFound for an unknown location', async () => {
    const connection = server.client().jobs.connect();
    try {
      await connection.connected();
      const notFound = new Promise<{ location: string }>((resolve) => connection.socket.once('jobNotFound', resolve));
      expect(await connection.requestJob('Atlantis')).toBeNull();
      expect(await notFound).toEqual({ location: 'Atlantis' });
      expect(await connection.requestJob({ location: 'Atlantis' } as unknown as string)).toBeNull();
    } finally {
      connection.close();
    }
  });

  it('refuses adminStatisticsRequest from an anonymous socket with forbidden', async () => {
    const connection = server.client().jobs.connect();
    try {
      await connection.connected();
      await expect(connection.requestAdminStatistics()).rejects.toMatchObject({
        name: 'SocketError',
        code: 'forbidden',
      });
    } finally {
      connection.close();
    }
  });

  it('refuses a token that is not valid at connect', async () => {
    const client = server.client();
    client.storage.set('not-a-token');
    const connection = client.jobs.connect();
    try {
      await expect(connection.connected()).rejects.toMatchObject({
        name: 'SocketError',
        code: 'connect_error',
        message: expect.stringMatching(/invalid/i),
      });
    } finally {
      connection.close();
    }
  });

  it('leaves no timers behind after 200 sockets connect and disconnect, and makes no upstream call per tick', async () => {
    const before = server.server.randomJobs.counts();
    await server.client().jobs.search(); // warms the cache the ticks read from
    const requestsBefore = upstream.requests.length;
    const connections = Array.from({ length: 200 }, () => server.client().jobs.connect({ transports: ['websocket'] }));
    try {
      await Promise.all(connections.map((connection) => connection.connected()));
      await waitUntil(
        async () => server.server.randomJobs.counts().sockets === before.sockets + 200,
        10_000,
        '200 sockets on the server',
      );
      expect(server.server.randomJobs.counts().timers).toBe(before.timers + 200);
      const received = connections.map((connection) => record(connection));
      await waitUntil(
        async () => received.every((seen) => seen.jobs.length >= 3),
        15_000,
        'three ticks on every socket',
      );
      expect(upstream.requests.length - requestsBefore).toBe(0);
    } finally {
      for (const connection of connections) connection.close();
    }
    await waitUntil(
      async () => server.server.randomJobs.counts().sockets === before.sockets,
      10_000,
      'every socket to be gone',
    );
    expect(server.server.randomJobs.counts()).toEqual(before);
    expect(server.server.io.of('/').adapter.rooms.size).toBe(before.sockets);
  }, 180_000);
});
