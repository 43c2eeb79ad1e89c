/**
 * Benchmark of the real-time endpoint (`/random-jobs`): 1,000 WebSocket clients, each receiving
 * one `randomJob` a second for 10 s, against a bare socket.io 4 server that emits a fixed small
 * job from a `setInterval` per socket to the same clients. The server under test and the clients
 * each run in a child process of their own (started with `--expose-gc`), so the server's memory
 * and CPU are measured apart from the clients' and from the local services. Both are measured
 * twice, interleaved (baseline, node-jobs, node-jobs, baseline), beside the same running local
 * services, so a machine that drifts weighs on both.
 *
 * This file is both the benchmark (`socketsBenchmark()`, called by `bench/run.ts`) and the entry
 * point of those child processes (`bench/sockets.ts server|clients`, driven over IPC).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { Job } from '../client/types';
import { randomJobsPath } from '../client/types';
import { freePort, startDynamoDbLocal, startRedisServer, startS3rver, type LocalService } from '../devtools/localStack';
import { built, type Result } from './lib';

const intervalMs = 1000;
const windowMs = 10_000;
/** Each client must receive at least this many `randomJob` in the window (10 expected). */
const minEvents = 8;
/**
 * Sockets opened before measuring and closed again, so one-time costs are not counted: lazy
 * loading, compilation, and V8's young generation growing to its working size (up to 32 MiB
 * resident, which a freshly started bare server would otherwise charge to its first connections).
 */
/** Handshakes in flight at once (the listen backlog is 511). */
const connectConcurrency = 50;

const thisFile = fileURLToPath(import.meta.url);

/** The baseline's fixed job: a `Job`, with short fields. */
const baselineJob: Job = {
  id: 'bench-1',
  type: 'Full Time',
  url: 'https://example.com/jobs/1',
  created_at: '2024-01-01T00:00:00Z',
  company: 'Example',
  company_url: 'https://example.com',
  location: 'Berlin',
  title: 'Software Engineer',
  description: '<p>Build things.</p>',
  how_to_apply: '<p>Apply online.</p>',
  company_logo: null,
};

type Kind = 'node-jobs' | 'baseline';

interface MemorySample {
  heapUsed: number;
  rss: number;
  /** Memory of Buffers and other C++ objects tied to JS objects (socket buffers among them). */
  external: number;
  /** Sockets the server holds. */
  sockets: number;
  gc: boolean;
}

interface CpuSample {
  /** process.cpuUsage(), microseconds. */
  userUs: number;
  systemUs: number;
  /** Monotonic clock, microseconds. */
  atUs: number;
}

interface ConnectReport {
  connected: number;
  failures: string[];
  ms: number;
}

interface EventsReport {
  sockets: number;
  connected: number;
  min: number;
  max: number;
  total: number;
  /** Sockets that received fewer than `minEvents`. */
  belowMin: number;
  disconnects: number;
  /** Size of one received `randomJob` payload as JSON. */
  payloadBytes: number;
}

// ---------------------------------------------------------------------------------------------
// Child processes

interface Request {
  id: number;
  cmd: string;
  args?: unknown;
}

/** Answers the parent's requests with `handlers`; exits when the parent goes away. */
function serve(handlers: Record<string, (args: never) => unknown>): void {
  process.on('disconnect', () => process.exit(0));
  process.on('message', (message: Request) => {
    void (async () => {
      try {
        const handler = handlers[message.cmd];
        if (!handler) throw new Error(`unknown command ${message.cmd}`);
        const result = await handler(message.args as never);
        process.send?.({ id: message.id, ok: true, result });
      } catch (error) {
        process.send?.({
          id: message.id,
          ok: false,
          error: error instanceof Error ? (error.stack ?? error.message) : String(error),
        });
      }
    })();
  });
}

interface RunningServer {
  url: string;
  sockets(): number;
  close(): Promise<void>;
}

async function startBaselineServer(): Promise<RunningServer> {
  const { Server } = await import('socket.io');
  const httpServer = createHttpServer();
  // The same path as node-jobs, so both are reached by identical clients.
  const io = new Server(httpServer, { path: randomJobsPath });
  io.on('connection', (socket) => {
    const timer = setInterval(() => socket.emit('randomJob', baselineJob), intervalMs);
    socket.once('disconnect', () => clearInterval(timer));
  });
  await new Promise<void>((done) => httpServer.listen(0, '127.0.0.1', done));
  const { port } = httpServer.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    sockets: () => io.engine.clientsCount,
    close: () => new Promise<void>((done) => void io.close(() => done())),
  };
}

async function startNodeJobsServer(values: Record<string, unknown>): Promise<RunningServer> {
  // Imported here, so the baseline's process does not load node-jobs.
  const { createServer } = await import('../index');
  const { parseConfig } = await import('../config/schema');
  const { createAppLogger } = await import('../libraries/appLogger');
  const server = await createServer(parseConfig(values, 'development'), { logger: createAppLogger(true) });
  return {
    // server.url says `localhost`, which may resolve to ::1 first; the server listens on 127.0.0.1.
    url: `http://127.0.0.1:${server.port}`,
    sockets: () => server.randomJobs.counts().sockets,
    close: () => server.close(1000),
  };
}

function serverProcess(): void {
  let server: RunningServer | undefined;
  const gc = (globalThis as { gc?: (options?: { type: 'major'; execution: 'sync'; flavor: 'last-resort' }) => void })
    .gc;
  serve({
    async start(args: { kind: Kind; values: Record<string, unknown> }) {
      server = args.kind === 'baseline' ? await startBaselineServer() : await startNodeJobsServer(args.values);
      return { url: server.url };
    },
    async memory(): Promise<MemorySample> {
      if (!gc) {
        await sleep(2000);
        const { heapUsed, rss, external } = process.memoryUsage();
        return { heapUsed, rss, external, sockets: server?.sockets() ?? 0, gc: false };
      }
      // Heap read right after the collections: the clients keep the server allocating.
      gc();
      gc();
      const { heapUsed, external } = process.memoryUsage();
      // The 'last-resort' flavour (V8 11+) also hands the pages freed back to the OS, so RSS
      // follows the live memory more than what earlier peaks left mapped.
      gc({ type: 'major', execution: 'sync', flavor: 'last-resort' });
      await sleep(300);
      return { heapUsed, rss: process.memoryUsage.rss(), external, sockets: server?.sockets() ?? 0, gc: true };
    },
    cpu(): CpuSample {
      const { user, system } = process.cpuUsage();
      return { userUs: user, systemUs: system, atUs: Number(process.hrtime.bigint() / 1000n) };
    },
    async stop() {
      await server?.close();
      server = undefined;
    },
  });
}

function clientsProcess(): void {
  type ClientSocket = import('socket.io-client').Socket;
  const sockets: ClientSocket[] = [];
  let counts: number[] = [];
  let disconnects = 0;
  let closing = false;
  let payloadBytes = 0;

  const open = async (url: string): Promise<void> => {
    const { io } = await import('socket.io-client');
    const socket = io(url, {
      path: randomJobsPath,
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      timeout: 10_000,
    });
    const index = sockets.push(socket) - 1;
    counts[index] = 0;
    socket.on('randomJob', (job: unknown) => {
      counts[index]!++;
      if (payloadBytes === 0) payloadBytes = Buffer.byteLength(JSON.stringify(job));
    });
    socket.on('disconnect', () => {
      if (!closing) disconnects++;
    });
    await new Promise<void>((done, fail) => {
      socket.once('connect', () => done());
      socket.once('connect_error', (error) => fail(error));
    });
  };

  serve({
    async connect(args: { url: string; count: number }): Promise<ConnectReport> {
      closing = false;
      const started = performance.now();
      const failures: string[] = [];
      let next = 0;
      await Promise.all(
        Array.from({ length: connectConcurrency }, async () => {
          while (next < args.count) {
            next++;
            await open(args.url).catch((error: unknown) =>
              failures.push(error instanceof Error ? error.message : String(error)),
            );
          }
        }),
      );
      return {
        connected: sockets.filter((socket) => socket.connected).length,
        failures: failures.slice(0, 5),
        ms: performance.now() - started,
      };
    },
    reset() {
      counts = counts.map(() => 0);
      disconnects = 0;
    },
    report(): EventsReport {
      return {
        sockets: sockets.length,
        connected: sockets.filter((socket) => socket.connected).length,
        min: Math.min(...counts),
        max: Math.max(...counts),
        total: counts.reduce((sum, count) => sum + count, 0),
        belowMin: counts.filter((count) => count < minEvents).length,
        disconnects,
        payloadBytes,
      };
    },
    async close() {
      closing = true;
      for (const socket of sockets) socket.disconnect();
      sockets.length = 0;
      counts = [];
      await sleep(200);
    },
  });
}

// ---------------------------------------------------------------------------------------------
// The parent: services, child processes, measurements

interface Child {
  call<T>(cmd: string, args?: unknown, timeoutMs?: number): Promise<T>;
  /** Disconnects; SIGKILL if it has not exited within 5 s. */
  stop(): Promise<void>;
}

function spawnChild(role: 'server' | 'clients'): Child {
  const child: ChildProcess = fork(built('sockets'), [role], {
    execArgv: ['--expose-gc'],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  let nextId = 0;
  let exited = child.exitCode !== null;
  const exit = new Promise<void>((done) =>
    child.once('exit', (code, signal) => {
      exited = true;
      for (const waiter of pending.values()) waiter.reject(new Error(`the ${role} process exited (${signal ?? code})`));
      pending.clear();
      done();
    }),
  );
  child.on('message', (message: { id: number; ok: boolean; result?: unknown; error?: string }) => {
    const waiter = pending.get(message.id);
    pending.delete(message.id);
    if (message.ok) waiter?.resolve(message.result);
    else waiter?.reject(new Error(`${role} process: ${message.error}`));
  });
  return {
    call<T>(cmd: string, args?: unknown, timeoutMs = 30_000): Promise<T> {
      if (exited) return Promise.reject(new Error(`the ${role} process has exited`));
      const id = nextId++;
      return new Promise<T>((resolveCall, rejectCall) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          rejectCall(new Error(`${role} process: no answer to ${cmd} within ${timeoutMs} ms`));
        }, timeoutMs);
        pending.set(id, {
          resolve: (value) => (clearTimeout(timer), resolveCall(value as T)),
          reject: (error) => (clearTimeout(timer), rejectCall(error)),
        });
        child.send({ id, cmd, args } satisfies Request);
      });
    },
    async stop() {
      if (exited) return;
      if (child.connected) child.disconnect();
      const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exit;
      clearTimeout(kill);
    },
  };
}

interface Measurement {
  kind: Kind;
  heapPerConnection: number;
  rssPerConnection: number;
  /** Server CPU over the window, % of one core. */
  cpuPercent: number;
  windowS: number;
  connectMs: number;
  serverSockets: number;
  events: EventsReport;
  gc: boolean;
  before: MemorySample;
  after: MemorySample;
  problems: string[];
}

async function measure(kind: Kind, connections: number, values: Record<string, unknown> = {}): Promise<Measurement> {
  const warmupSockets = connections;
  const server = spawnChild('server');
  const clients = spawnChild('clients');
  try {
    const { url } = await server.call<{ url: string }>('start', { kind, values }, 60_000);
    // Warm-up: every socket once, one event each (loads the jobs, compiles the hot paths), then gone.
    await clients.call('connect', { url, count: warmupSockets }, 60_000);
    await sleep(intervalMs * 1.5);
    const warm = await clients.call<EventsReport>('report');
    await clients.call('close');
    await sleep(300);
    const before = await server.call<MemorySample>('memory');

    const connect = await clients.call<ConnectReport>('connect', { url, count: connections }, 60_000);
    const cpuStart = await server.call<CpuSample>('cpu');
    await clients.call('reset');
    await sleep(windowMs);
    const cpuEnd = await server.call<CpuSample>('cpu');
    const events = await clients.call<EventsReport>('report');
    const after = await server.call<MemorySample>('memory');
    await clients.call('close');
    await server.call('stop');

    const problems: string[] = [];
    if (warm.min < 1) problems.push(`warm-up sockets received no randomJob`);
    if (connect.connected !== connections)
      problems.push(`${connect.connected}/${connections} clients connected (${connect.failures.join('; ')})`);
    if (after.sockets !== connections) problems.push(`the server held ${after.sockets} sockets, not ${connections}`);
    if (events.belowMin > 0)
      problems.push(`${events.belowMin} clients received fewer than ${minEvents} randomJob (min ${events.min})`);
    if (events.disconnects > 0) problems.push(`${events.disconnects} clients were disconnected during the window`);

    const windowUs = cpuEnd.atUs - cpuStart.atUs;
    return {
      kind,
      heapPerConnection: (after.heapUsed - before.heapUsed) / connections,
      rssPerConnection: (after.rss - before.rss) / connections,
      cpuPercent: ((cpuEnd.userUs - cpuStart.userUs + (cpuEnd.systemUs - cpuStart.systemUs)) / windowUs) * 100,
      windowS: windowUs / 1e6,
      connectMs: connect.ms,
      serverSockets: after.sockets,
      events,
      gc: before.gc && after.gc,
      before,
      after,
      problems,
    };
  } finally {
    await Promise.allSettled([clients.stop(), server.stop()]);
  }
}

/** Starts DynamoDB Local, redis-server and s3rver, runs `work` against them, stops them all. */
export async function withLocalStack<T>(work: (values: Record<string, unknown>) => Promise<T>): Promise<T> {
  const directory = await mkdtemp(join(tmpdir(), 'node-jobs-bench-'));
  const services: LocalService[] = [];
  try {
    const started = await Promise.allSettled([
      freePort().then((port) => startDynamoDbLocal({ port })),
      freePort().then((port) => startRedisServer({ port })),
      freePort().then((port) => startS3rver({ port, directory: join(directory, 's3') })),
    ]);
    for (const outcome of started) if (outcome.status === 'fulfilled') services.push(outcome.value);
    const failed = started.find((outcome) => outcome.status === 'rejected');
    if (failed) throw failed.reason;
    const [dynamodb, redis, s3] = services as [LocalService, LocalService, LocalService];
    const id = randomUUID().slice(0, 8);
    return await work({
      port: 0,
      host: '127.0.0.1',
      app_key: 'bench-app-key-that-is-long-enough-0123456789',
      bcrypt_rounds: 4,
      redis_port: redis.port,
      dynamodb_endpoint: `http://127.0.0.1:${dynamodb.port}`,
      s3_endpoint: `http://127.0.0.1:${s3.port}`,
      s3_bucket: `bench${id}`,
      dynamodb_table_prefix: `bench${id}-`,
      redis_key_prefix: `bench${id}:`,
      data_file: join(directory, 'userdata', 'data.json'),
      log_file: join(directory, 'logs', 'nodeJobs.log'),
      jobs_provider: 'sample',
      random_job_interval_ms: intervalMs,
      // Every bench client connects from this one address.
      max_connections_per_ip: 100_000,
    });
  } finally {
    await Promise.allSettled(services.map((service) => service.stop()));
    await rm(directory, { recursive: true, force: true });
  }
}

const kib = (bytes: number) => bytes / 1024;

/** The order of the measurements: each kind twice, interleaved, so drift of the machine weighs on both. */
const rounds: Kind[] = ['baseline', 'node-jobs', 'node-jobs', 'baseline'];

/** What the rounds of one kind add up to: CPU over all their windows, memory per connection averaged, events summed. */
interface Combined {
  cpuPercent: number;
  heapPerConnection: number;
  rssPerConnection: number;
  delivered: number;
  /** One event per socket per whole interval of each window. */
  expected: number;
}

function combine(kind: Kind, measurements: Measurement[], connections: number): Combined {
  const mine = measurements.filter((m) => m.kind === kind);
  const sum = (value: (m: Measurement) => number) => mine.reduce((total, m) => total + value(m), 0);
  const windowS = sum((m) => m.windowS);
  return {
    cpuPercent: sum((m) => m.cpuPercent * m.windowS) / windowS,
    heapPerConnection: sum((m) => m.heapPerConnection) / mine.length,
    rssPerConnection: sum((m) => m.rssPerConnection) / mine.length,
    delivered: sum((m) => m.events.total),
    expected: sum((m) => connections * Math.floor((m.windowS * 1000) / intervalMs)),
  };
}

/**
 * Server memory per connection and server CPU of `/random-jobs` with 1,000 WebSocket clients at
 * one `randomJob` a second, as ratios node-jobs / bare socket.io.
 * @throws Error when a client did not connect, was dropped or received fewer than 8 events
 */
export async function socketsBenchmark(connections = 1000): Promise<Result[]> {
  // Every round beside the same running local services (only node-jobs uses them).
  const measurements = await withLocalStack(async (values) => {
    const done: Measurement[] = [];
    for (const kind of rounds) done.push(await measure(kind, connections, kind === 'node-jobs' ? values : {}));
    return done;
  });

  for (const m of measurements) {
    const e = m.events;
    console.error(
      `sockets/${m.kind}: ${e.connected}/${connections} clients connected in ${(m.connectMs / 1000).toFixed(1)} s, ` +
        `server holds ${m.serverSockets}; randomJob per client in ${m.windowS.toFixed(1)} s: min ${e.min}, max ${e.max}, ` +
        `total ${e.total}; payload ${e.payloadBytes} B; GC ${m.gc ? 'forced' : 'not exposed (settled 2 s)'}; ` +
        `server CPU ${m.cpuPercent.toFixed(1)} % of a core`,
    );
    const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
    const change = (key: 'heapUsed' | 'external' | 'rss') => `${mib(m.before[key])} → ${mib(m.after[key])} MiB`;
    console.error(
      `sockets/${m.kind}: server heap used ${change('heapUsed')}, external ${change('external')}, RSS ${change('rss')}`,
    );
  }
  const problems = measurements.flatMap((m) => m.problems.map((problem) => `${m.kind}: ${problem}`));
  if (problems.length > 0) throw new Error(`The sockets benchmark failed its checks:\n${problems.join('\n')}`);
  const subject = combine('node-jobs', measurements, connections);
  const baseline = combine('baseline', measurements, connections);

  const subjectLabel = `node-jobs, ${connections} WebSocket clients, 1 randomJob/s each`;
  const baselineLabel = 'bare socket.io 4, setInterval per socket, fixed small job';
  return [
    {
      name: '/random-jobs server heap used',
      subject: subjectLabel,
      baseline: baselineLabel,
      subjectValue: kib(subject.heapPerConnection),
      baselineValue: kib(baseline.heapPerConnection),
      unit: 'KiB/conn',
    },
    {
      name: '/random-jobs server RSS (noisy)',
      subject: subjectLabel,
      baseline: baselineLabel,
      subjectValue: kib(subject.rssPerConnection),
      baselineValue: kib(baseline.rssPerConnection),
      unit: 'KiB/conn',
    },
    {
      name: `/random-jobs server CPU (${connections} sockets)`,
      subject: subjectLabel,
      baseline: baselineLabel,
      subjectValue: subject.cpuPercent,
      baselineValue: baseline.cpuPercent,
      unit: '% of a core',
      goal: '≤ 1.5 × bare socket.io',
      met: subject.cpuPercent <= 1.5 * baseline.cpuPercent,
    },
    {
      name: `/random-jobs events delivered (${connections} sockets)`,
      subject: subjectLabel,
      baseline: 'events expected (one per socket per interval)',
      subjectValue: subject.delivered,
      baselineValue: subject.expected,
      unit: 'events',
      goal: '≥ 99 % delivered',
      met: subject.delivered >= 0.99 * subject.expected,
    },
  ];
}

// Entry point of the child processes.
if (process.argv[1] !== undefined && resolve(process.argv[1]) === thisFile) {
  const role = process.argv[2];
  if (role === 'server') serverProcess();
  else if (role === 'clients') clientsProcess();
  else {
    console.error('usage: bench/sockets.ts server|clients (started by socketsBenchmark over IPC)');
    process.exitCode = 2;
  }
}
