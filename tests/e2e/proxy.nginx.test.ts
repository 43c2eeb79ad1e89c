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
import { exited, runCli } from '../harness/cli';
import { startNginx, type Nginx } from '../harness/nginx';
import { serveEnvironment, startServeProcess, type ServeProcess } from '../harness/serveProcess';
import { isolatedSettings } from '../harness/testServer';
import { newUser } from '../harness/users';

// Three `node-jobs serve` processes of one service (socket_adapter=redis) behind nginx, configured
// with the template the README documents (deploy/nginx/node-jobs.conf.template).
let directory: string;
const environments: Record<string, string>[] = [];
const ports: number[] = [];
const processes: ServeProcess[] = [];
let nginx: Nginx;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'node-jobs-nginx-'));
  const shared = {
    ...isolatedSettings(),
    socket_adapter: 'redis',
    trust_proxy: 'loopback',
    random_job_interval_ms: 1000,
    // Four serve processes, nginx, DynamoDB Local and the load on two cores: a slow DynamoDB is the
    // machine, not the restart, which is what this file measures.
    dynamodb_timeout_ms: 20_000,
  };
  for (let index = 0; index < 3; index++) {
    environments.push(serveEnvironment(join(directory, `process${index}`), shared));
    ports.push(await freePort());
  }
  // The first creates the tables and the bucket; the others find them.
  processes.push(await startServeProcess(ports[0]!, environments[0]!));
  processes.push(...(await Promise.all([1, 2].map((index) => startServeProcess(ports[index]!, environments[index]!)))));
  nginx = await startNginx(join(directory, 'nginx'), await freePort(), ports);
}, 400_000);
afterAll(async () => {
  await nginx?.stop();
  await Promise.all(processes.map((process) => process.stop('SIGKILL')));
  await rm(directory, { recursive: true, force: true });
});

/** A user registered through the proxy; `devices` clients logged in, one per device. */
async function signUpOnDevices(
  devices: number,
): Promise<{ credentials: { email: string; password: string }; clients: NodeJobsClient[] }> {
  const registration = newUser();
  await createClient({ baseURL: nginx.url }).users.create(registration);
  const credentials = { email: registration.email, password: registration.password };
  const clients: NodeJobsClient[] = [];
  for (let index = 0; index < devices; index++) {
    const device = createClient({ baseURL: nginx.url });
    await device.sessions.login(credentials);
    clients.push(device);
  }
  return { credentials, clients };
}

/**
 * One socket on each process (connected to it directly: the proxy keeps a client on one process)
 * and one through the proxy, each on a device of its own logged in as the user.
 */
async function socketsOnEveryProcess(clients: NodeJobsClient[]): Promise<RealtimeConnection[]> {
  const connections = clients.map((client, index) => {
    const direct = index < processes.length ? processes[index]!.url : undefined;
    const token = client.storage.get()!;
    const device = direct ? createClient({ baseURL: direct }) : client;
    device.storage.set(token);
    return device.jobs.connect();
  });
  await Promise.all(connections.map((connection) => connection.connected()));
  return connections;
}

describe('three serve processes behind nginx', () => {
  it(
    'ends the sockets of a user on all three processes when the user logs out through the proxy',
    { timeout: 120_000 },
    async () => {
      const { credentials, clients } = await signUpOnDevices(4);
      const connections = await socketsOnEveryProcess(clients);
      const ends: SessionEnd[][] = connections.map((connection) => {
        const seen: SessionEnd[] = [];
        connection.onSessionEnd((end) => seen.push(end));
        return seen;
      });
      try {
        const elsewhere = createClient({ baseURL: nginx.url });
        await elsewhere.sessions.login(credentials);
        await elsewhere.sessions.logout({ scope: 'all' });
        await waitUntil(
          async () => ends.every((seen) => seen.length > 0),
          10_000,
          'the sockets on every process to end',
        );
        expect(ends.flat()).toEqual(connections.map(() => ({ reason: 'revoked' })));
      } finally {
        connections.forEach((connection) => connection.close());
      }
    },
  );

  it(
    'makes an admin promotion live on all three processes, whose statistics then agree',
    { timeout: 120_000 },
    async () => {
      const { credentials, clients } = await signUpOnDevices(4);
      const searched = await clients[0]!.jobs.search({ location: 'Berlin' });
      const connections = await socketsOnEveryProcess(clients);
      try {
        const promoted = await runCli(['user-make-admin', '-u', credentials.email], { env: environments[0]! });
        expect(promoted.code, promoted.stderr).toBe(0);
        // Without reconnecting, every socket may now ask for the statistics.
        const figures: AdminStatistics[] = [];
        for (const connection of connections) {
          const socketId = connection.socket.id;
          await waitUntil(
            async () => (await connection.requestAdminStatistics().catch(() => undefined)) !== undefined,
            10_000,
            'the promotion to reach the socket',
          );
          figures.push(await connection.requestAdminStatistics());
          expect(connection.socket.id).toBe(socketId);
        }
        const [first] = figures as [AdminStatistics];
        expect(first).toMatchObject({ availableJobs: searched.length, processes: 3, admins: 1, users: 1 });
        expect(first.sockets).toBeGreaterThanOrEqual(4);
        // Asked of each process in turn: the same figures of the whole service.
        for (const statistics of figures) expect(statistics).toEqual(first);
        console.log(
          `statistics seen from the three processes: ${figures.map((seen) => JSON.stringify(seen)).join(' ')}`,
        );
      } finally {
        connections.forEach((connection) => connection.close());
      }
    },
  );

  it(
    'restarts each process in turn under steady load through the proxy with no failed request and no lost registration, its sockets moving to the others',
    { timeout: 600_000 },
    async () => {
      const { credentials, clients } = await signUpOnDevices(3);
      const [searcher, signer, proxied] = clients as [NodeJobsClient, NodeJobsClient, NodeJobsClient];
      const userId = (await signer.sessions.current()).id;
      const load = steadyLoad(credentials, { searcher, signer, userId }, 3);

      // Sockets through the proxy, sticky by address: WebSocket and long-polling.
      const pollingDevice = createClient({ baseURL: nginx.url });
      pollingDevice.storage.set(proxied.storage.get()!);
      const sockets = [proxied.jobs.connect(), pollingDevice.jobs.connect({ transports: ['polling'] })];
      const disconnects: number[][] = sockets.map(() => []);
      const reconnects: number[][] = sockets.map(() => []);
      sockets.forEach((socket, index) => {
        socket.socket.on('disconnect', () => disconnects[index]!.push(performance.now()));
        socket.socket.io.on('reconnect', () => reconnects[index]!.push(performance.now()));
      });
      const restarts: { index: number; signalled: number; exited: number; back: number }[] = [];
      try {
        await Promise.all(sockets.map((socket) => socket.connected()));
        await load.warmUp();
        const started = performance.now();
        for (let index = 0; index < processes.length; index++) {
          const signalled = performance.now();
          processes[index]!.child.kill('SIGTERM');
          const exit = await exited(processes[index]!.child);
          expect(exit.code, processes[index]!.output()).toBe(0);
          const exitedAt = performance.now();
          processes[index] = await startServeProcess(ports[index]!, environments[index]!);
          restarts.push({ index, signalled, exited: exitedAt, back: performance.now() });
        }
        const ended = performance.now();
        await load.stop();
        const report = load.report(started, ended);
        console.log(
          `rolling restart of 3 processes behind nginx: ${report.sent} requests sent (${report.sentDuringRestart} during the restarts, ${((ended - started) / 1000).toFixed(0)} s), ${report.failed.length} failed, p50 ${report.p50.toFixed(0)} ms, p99 ${report.p99.toFixed(0)} ms during the restarts; ${report.registered.length} registrations`,
        );
        if (report.failed.length > 0) {
          // What nginx saw of them: which process, and why (refused, reset, cut).
          const access = (await nginx.accessLog()).split('\n').filter((line) => /^5\d\d /.test(line));
          const errors = (await nginx.errorLog()).split('\n').filter((line) => line.includes('upstream'));
          console.log(`nginx 5xx:\n${access.join('\n')}\nnginx errors:\n${errors.slice(-20).join('\n')}`);
          console.log(
            `restarts (ms since the start): ${JSON.stringify(restarts.map((r) => ({ ...r, signalled: r.signalled - started, exited: r.exited - started, back: r.back - started })))}`,
          );
        }
        expect(report.failed).toEqual([]);
        expect(report.sentDuringRestart).toBeGreaterThan(100);

        // Every registration answered 201 exists: each of those users can log in.
        const verifier = createClient({ baseURL: nginx.url });
        for (const registered of report.registered) await verifier.sessions.login(registered);

        // A socket whose process stopped came back on another one, before that process returned.
        await waitUntil(
          async () => sockets.every((socket) => socket.socket.connected),
          30_000,
          'every socket to be connected',
        );
        const moved = sockets.flatMap((_socket, index) =>
          restarts.flatMap((restart) =>
            disconnects[index]!.filter((at) => at >= restart.signalled && at <= restart.exited).map((at) => ({
              index,
              at,
              restart,
            })),
          ),
        );
        expect(moved.length).toBeGreaterThan(0);
        for (const { index, at, restart } of moved)
          expect(
            reconnects[index]!.some((reconnect) => reconnect > at && reconnect < restart.back),
            `socket ${index}`,
          ).toBe(true);

        const statistics = await (async () => {
          const admin = await signUpOnDevices(1);
          await runCli(['user-make-admin', '-u', admin.credentials.email], { env: environments[0]! });
          await admin.clients[0]!.sessions.login(admin.credentials);
          const connection = admin.clients[0]!.jobs.connect();
          try {
            await connection.connected();
            return await connection.requestAdminStatistics();
          } finally {
            connection.close();
          }
        })();
        expect(statistics.processes).toBe(3);
      } finally {
        await load.stop();
        sockets.forEach((socket) => socket.close());
      }
    },
  );
});

interface LoadReport {
  sent: number;
  sentDuringRestart: number;
  failed: { operation: string; at: number; message: string }[];
  p50: number;
  p99: number;
  /** The accounts whose registration answered 201. */
  registered: { email: string; password: string }[];
}

/**
 * `loops` clients sending requests one after the other through the proxy until stopped: cached
 * searches, logins, registrations, signed upload URLs and `GET /sessions`, in turn.
 */
function steadyLoad(
  credentials: { email: string; password: string },
  { searcher, signer, userId }: { searcher: NodeJobsClient; signer: NodeJobsClient; userId: string },
  loops: number,
) {
  let running = true;
  const samples: { operation: string; at: number; ms: number }[] = [];
  const failed: LoadReport['failed'] = [];
  const registered: LoadReport['registered'] = [];
  const locations = ['Berlin', 'Remote', 'Munich', 'London'];
  const operations: Record<string, (client: NodeJobsClient, turn: number) => Promise<unknown>> = {
    search: (_client, turn) => searcher.jobs.search({ location: locations[turn % locations.length]! }),
    login: (client) => client.sessions.login(credentials),
    register: async (client) => {
      const account = newUser();
      await client.users.create(account);
      registered.push({ email: account.email, password: account.password });
    },
    signedUrl: () => signer.users.signImageUpload(userId, 'image/png', 1024),
    session: () => signer.sessions.current(),
  };
  const names = Object.keys(operations);
  let firstRound: () => void = () => undefined;
  const warm = new Promise<void>((resolve) => (firstRound = resolve));
  const running$ = Array.from({ length: loops }, async (_, loop) => {
    const client = createClient({ baseURL: nginx.url });
    for (let turn = loop; running; turn++) {
      const operation = names[turn % names.length]!;
      const at = performance.now();
      try {
        await operations[operation]!(client, turn);
      } catch (error) {
        failed.push({
          operation,
          at,
          message: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
        });
      }
      samples.push({ operation, at, ms: performance.now() - at });
      if (samples.length >= names.length * loops) firstRound();
    }
  });
  return {
    warmUp: () => warm,
    async stop() {
      running = false;
      await Promise.all(running$);
    },
    report(from: number, to: number): LoadReport {
      const during = samples.filter((sample) => sample.at >= from && sample.at <= to).map((sample) => sample.ms);
      during.sort((a, b) => a - b);
      const quantile = (q: number) => during[Math.min(during.length - 1, Math.floor(q * during.length))] ?? Number.NaN;
      return {
        sent: samples.length,
        sentDuringRestart: during.length,
        failed,
        p50: quantile(0.5),
        p99: quantile(0.99),
        registered,
      };
    },
  };
}
