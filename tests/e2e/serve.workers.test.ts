import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createClient,
  type AdminStatistics,
  type NodeJobsClient,
  type RealtimeConnection,
  type SessionEnd,
} from '../../client';
import { freePort, waitUntil } from '../../devtools/localStack';
import { exited, isAlive, runCli } from '../harness/cli';
import { rawGet } from '../harness/rawHttp';
import { serveEnvironment, startServeProcess, type ServeProcess } from '../harness/serveProcess';
import { newUser } from '../harness/users';

/** The processes whose parent is `pid` (read from /proc). */
function childrenOf(pid: number): number[] {
  const found: number[] = [];
  for (const task of readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/))
    if (task !== '' && isAlive(Number(task))) found.push(Number(task));
  return found;
}

let directory: string;
let env: Record<string, string>;
let service: ServeProcess;
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'node-jobs-workers-'));
  env = serveEnvironment(directory, { random_job_interval_ms: 300, shutdown_delay_s: 1, metrics: 'on' });
  service = await startServeProcess(await freePort(), env, ['--workers', '2'], 240_000);
});
afterAll(async () => {
  await service?.stop('SIGKILL');
  await rm(directory, { recursive: true, force: true });
});

/**
 * A user registered on the service and logged in on `count` devices, then a long-polling-only
 * socket on each, connected one after the other: the primary hands new connections to the workers
 * in turn (round-robin) and nothing else connects meanwhile, so the sockets alternate between them.
 */
async function userWithSockets(count: number, admin = false) {
  const newCredentials = newUser();
  const credentials = { email: newCredentials.email, password: newCredentials.password };
  await createClient({ baseURL: service.url }).users.create(newCredentials);
  if (admin) {
    const result = await runCli(['user-make-admin', '-u', credentials.email], { env });
    expect(result.code, result.stderr).toBe(0);
  }
  const devices: NodeJobsClient[] = [];
  for (let index = 0; index < count; index++) {
    const device = createClient({ baseURL: service.url });
    await device.sessions.login(credentials);
    devices.push(device);
  }
  const connections: RealtimeConnection[] = [];
  for (const device of devices) {
    const connection = device.jobs.connect({ transports: ['polling'] });
    connections.push(connection);
    await connection.connected();
  }
  return { credentials, connections };
}

/** The connected sockets of each worker, from its own /metrics (two requests in a row reach both). */
async function socketsPerWorker(): Promise<number[]> {
  const byWorker = new Map<string, number>();
  for (let attempt = 0; attempt < 6 && byWorker.size < 2; attempt++) {
    const metrics = (await rawGet(`${service.url}/metrics`)).body;
    const started = /^process_start_time_seconds (\S+)$/m.exec(metrics)?.[1] ?? '';
    byWorker.set(started, Number(/^socketio_connected_sockets (\S+)$/m.exec(metrics)?.[1]));
  }
  return [...byWorker.values()];
}

/** Resolves once every connection has received a `randomJob`. */
const eachGetsAJob = (connections: RealtimeConnection[]) =>
  Promise.all(
    connections.map(
      (connection) =>
        new Promise<void>((resolve) => {
          const stop = connection.onRandomJob(() => (stop(), resolve()));
        }),
    ),
  );

describe('serve --workers 2', () => {
  it(
    'serves one port with two workers: long-polling sockets get events, statistics count both, a logout reaches the sockets of both, and a killed worker is replaced',
    { timeout: 300_000 },
    async () => {
      const workers = childrenOf(service.child.pid!);
      expect(workers).toHaveLength(2);
      expect((await rawGet(`${service.url}/readyz`)).status).toBe(200);

      const admin = await userWithSockets(1, true);
      const user = await userWithSockets(4);
      const [adminSocket] = admin.connections as [RealtimeConnection];
      const open = [adminSocket, ...user.connections];
      try {
        // Long-polling only, through the primary: sticky to the worker that opened each session.
        await eachGetsAJob([adminSocket, ...user.connections]);
        expect(await adminSocket.requestAdminStatistics()).toMatchObject({
          sockets: 5,
          users: 2,
          admins: 1,
          processes: 2,
        } satisfies Partial<AdminStatistics>);

        // The user's four sockets are on both workers…
        adminSocket.close();
        await waitUntil(
          async () => {
            const counts = await socketsPerWorker();
            return counts.length === 2 && counts.every((count) => count > 0) && counts[0]! + counts[1]! === 4;
          },
          20_000,
          "the user's sockets on both workers",
        );
        // …and a logout on either ends them all (Redis pub/sub reaches every worker).
        const ends: SessionEnd[][] = user.connections.map((connection) => {
          const seen: SessionEnd[] = [];
          connection.onSessionEnd((end) => seen.push(end));
          return seen;
        });
        const otherDevice = createClient({ baseURL: service.url });
        await otherDevice.sessions.login(user.credentials);
        await otherDevice.sessions.logout({ scope: 'all' });
        await waitUntil(async () => ends.every((seen) => seen.length > 0), 10_000, 'every socket of the user to end');
        expect(ends.flat()).toEqual(user.connections.map(() => ({ reason: 'revoked' })));
        user.connections.forEach((connection) => connection.close());

        // One worker dies: its sockets lose their connection and come back, the other worker's keep theirs.
        const survivors = await userWithSockets(4, true);
        open.push(...survivors.connections);
        await eachGetsAJob(survivors.connections);
        const lost = new Set<RealtimeConnection>();
        for (const connection of survivors.connections) connection.socket.on('disconnect', () => lost.add(connection));
        const [killed] = workers as [number];
        process.kill(killed, 'SIGKILL');
        await waitUntil(
          async () => {
            const now = childrenOf(service.child.pid!);
            return now.length === 2 && !now.includes(killed);
          },
          120_000,
          'a worker to replace the killed one',
        );
        expect(lost.size).toBeGreaterThan(0);
        expect(lost.size).toBeLessThan(survivors.connections.length);
        await waitUntil(
          async () => survivors.connections.every((connection) => connection.socket.connected),
          60_000,
          'the sockets of the killed worker to reconnect',
        );
        // The dead worker leaves the adapter's count once its heartbeat is missed.
        const [asker] = survivors.connections as [RealtimeConnection];
        await waitUntil(
          async () => {
            const statistics = await asker.requestAdminStatistics().catch(() => undefined);
            return statistics?.processes === 2 && statistics.sockets === 4;
          },
          60_000,
          'statistics of two workers and four sockets',
        );
      } finally {
        open.forEach((connection) => connection.close());
      }

      const last = childrenOf(service.child.pid!);
      service.child.kill('SIGTERM');
      expect((await exited(service.child)).code, service.output()).toBe(0);
      await waitUntil(async () => last.every((pid) => !isAlive(pid)), 10_000, 'the workers to exit with the primary');
    },
  );
});
