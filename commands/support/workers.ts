import cluster, { type Worker } from 'node:cluster';
import type { Server as HttpServer } from 'node:http';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import { availableParallelism } from 'node:os';
import { setupPrimary as setupAdapterPrimary } from '@socket.io/cluster-adapter';
import { setupMaster as setupStickyPrimary } from '@socket.io/sticky';
import type { Config } from '../../config/schema';
import { descriptorLimit, maxConnectionsFor, requestTimeouts } from '../../http/connectionLimit';
import { messageOf } from '../../libraries/errors';
import { createServer, type AppLogger } from '../../index';
import { announce, fail, onShutdownSignal } from './lifecycle';

/**
 * `serve --workers N`: one primary process listens on the port and hands each connection to one of
 * N worker processes (node's `cluster`), sticky by socket.io session (`@socket.io/sticky`), so
 * long-polling works; the workers share socket.io rooms and broadcasts over the cluster's IPC
 * (`@socket.io/cluster-adapter`, or the Redis adapter with `socket_adapter=redis`). The lifecycle
 * messages below are the only ones of our own: when a worker is ready, and the two steps of a
 * shutdown.
 */
type LifecycleMessage = { nodeJobs: 'ready'; metricsUrl?: string } | { nodeJobs: 'drain' } | { nodeJobs: 'stop' };

const isLifecycle = (message: unknown): message is LifecycleMessage =>
  typeof message === 'object' && message !== null && 'nodeJobs' in message;

/** The environment variable that tells a worker the port the primary listens on (for its URL). */
const portVariable = 'NODE_JOBS_CLUSTER_PORT';
/** The longest wait before starting again a worker that died, when replacements keep dying. */
const maxRestartDelayMs = 30_000;

/** The number of processes `workers` asks for: `auto` is one per core. */
export function workerCount(workers: Config['workers']): number {
  return workers === 'auto' ? availableParallelism() : workers;
}

/** Whether this process is a worker started by `runPrimary`. */
export const isClusterWorker = (): boolean => cluster.isWorker;

/** Where `serve` writes its messages: readable lines on stderr, or JSON lines (`log_file` `-`). */
export interface ServeOutput {
  logger?: AppLogger;
  say?: (line: string) => void;
  complain?: (line: string) => void;
}

const stderrLine = (line: string) => console.error(line);

/** Listens on `port` and `host`; rejects on an error such as EADDRINUSE. */
function listen(server: NetServer, config: Pick<Config, 'port' | 'host'>): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/**
 * The primary's listener. A plain TCP server: `@socket.io/sticky` reads the first bytes of each
 * connection to pick the worker and hands the connection over, and the worker's HTTP server does
 * the rest (timeouts, the limit per address). The primary only bounds the connections it holds
 * before their first bytes: at most 10 s each, `max_connections_per_ip` per address.
 */
function createListener(config: Config): NetServer {
  const server = createNetServer();
  server.maxConnections = maxConnectionsFor(descriptorLimit());
  // Round-robin: every HTTP request is a connection of its own (sticky closes them after each
  // response), so requests spread evenly; a socket.io session stays with the worker that opened it.
  setupStickyPrimary(server as unknown as HttpServer, { loadBalancingMethod: 'round-robin' });
  // After sticky's listener, which removes a socket's other `data` listeners. A socket handed to a
  // worker never emits `close` here: it is counted until its first bytes only.
  const silent = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? 'unknown';
    const count = (silent.get(address) ?? 0) + 1;
    if (count > config.max_connections_per_ip) return void socket.destroy();
    silent.set(address, count);
    let counted = true;
    const spoke = () => {
      if (!counted) return;
      counted = false;
      const left = (silent.get(address) ?? 1) - 1;
      if (left <= 0) silent.delete(address);
      else silent.set(address, left);
    };
    socket.setTimeout(requestTimeouts.headersTimeout, () => socket.destroy());
    socket.once('data', () => {
      spoke();
      socket.setTimeout(0);
    });
    socket.once('close', spoke);
  });
  return server;
}

/** Forks a worker; resolves once it is ready, rejects when it exits before. */
function forkWorker(port: number): { worker: Worker; ready: Promise<LifecycleMessage & { nodeJobs: 'ready' }> } {
  const worker = cluster.fork({ [portVariable]: String(port) });
  const ready = new Promise<LifecycleMessage & { nodeJobs: 'ready' }>((resolve, reject) => {
    const onMessage = (message: unknown) => {
      if (!isLifecycle(message) || message.nodeJobs !== 'ready') return;
      worker.off('exit', onExit);
      worker.off('message', onMessage);
      resolve(message);
    };
    const onExit = (code: number | null, signal: string | null) =>
      reject(new Error(`a worker stopped before it was ready (${signal ?? `exit code ${code}`})`));
    worker.on('message', onMessage);
    worker.once('exit', onExit);
  });
  return { worker, ready };
}

/**
 * The primary of `serve --workers N`: listens, starts the workers (the first alone, since it may
 * create the tables and the bucket), replaces a worker that dies, and on SIGTERM/SIGINT drains
 * them all, stops accepting after `shutdown_delay_s`, and exits once they have finished.
 */
export async function runPrimary(config: Config, count: number, output: ServeOutput = {}): Promise<void> {
  const log = output.say ?? stderrLine;
  cluster.setupPrimary({ serialization: 'advanced' }); // Buffers cross the IPC channel as Buffers (sticky's chunks)
  if (config.socket_adapter !== 'redis') setupAdapterPrimary();
  const listener = createListener(config);
  await listen(listener, config);
  const port = (listener.address() as { port: number }).port;

  // Until every first worker is ready, a worker that ends stops start-up instead of being replaced.
  let started = false;
  let stopping = false;
  const starting = new Set<Worker>();
  let restartDelayMs = 0;

  const replace = (dead: Worker, code: number | null, signal: string | null) => {
    if (!started || stopping || starting.has(dead)) return;
    log(`node-jobs: worker ${dead.process.pid} ended (${signal ?? `exit code ${code}`}); starting another.`);
    setTimeout(() => {
      if (stopping) return;
      const { worker, ready } = forkWorker(port);
      starting.add(worker);
      ready.then(
        () => {
          starting.delete(worker);
          restartDelayMs = 0;
          log(`node-jobs: worker ${worker.process.pid} replaces worker ${dead.process.pid}.`);
        },
        (error: unknown) => {
          starting.delete(worker);
          // A replacement that cannot start (Redis away?): try again, waiting longer each time.
          restartDelayMs = Math.min(maxRestartDelayMs, Math.max(1000, restartDelayMs * 2));
          log(`node-jobs: ${messageOf(error)}; trying again in ${restartDelayMs / 1000} s.`);
          replace(worker, null, null);
        },
      );
    }, restartDelayMs).unref();
  };
  cluster.on('exit', replace);
  // Sticky tells a worker that just died about its connections: the closed channel is expected then.
  cluster.on('fork', (worker: Worker) =>
    worker.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'ERR_IPC_CHANNEL_CLOSED') log(`node-jobs: worker ${worker.process.pid}: ${messageOf(error)}`);
    }),
  );

  const stopAll = () => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGKILL');
  };
  try {
    const first = forkWorker(port);
    const ready = [await first.ready];
    ready.push(...(await Promise.all(Array.from({ length: count - 1 }, () => forkWorker(port).ready))));
    started = true;
    announce({ url: urlOf(config, port), metricsUrl: ready[0]?.metricsUrl }, output.say);
    log(`  workers:            ${count} processes (cluster), primary ${process.pid}`);
  } catch (error) {
    stopping = true;
    stopAll();
    fail(error, output.complain);
  }

  onShutdownSignal(() => stopWorkers(listener, config, () => (stopping = true)), log, config.shutdown_timeout_s * 1000);
}

/** `http://host:port` of the service, as `createServer` names it. */
function urlOf(config: Config, port: number): string {
  const host = ['0.0.0.0', '::', '127.0.0.1', '::1'].includes(config.host) ? 'localhost' : config.host;
  return `http://${host}:${port}`;
}

/** The primary's shutdown: every worker drains at once; after the delay no new connection is taken, then the workers stop. */
async function stopWorkers(listener: NetServer, config: Config, markStopping: () => void): Promise<void> {
  markStopping();
  const workers = Object.values(cluster.workers ?? {}).filter((worker) => worker !== undefined);
  const exits = workers.map((worker) => new Promise<void>((resolve) => worker.once('exit', () => resolve())));
  const tell = (message: LifecycleMessage) => {
    for (const worker of workers) if (worker.isConnected()) worker.send(message);
  };
  tell({ nodeJobs: 'drain' });
  await new Promise((resolve) => setTimeout(resolve, config.shutdown_delay_s * 1000));
  listener.close();
  tell({ nodeJobs: 'stop' });
  await Promise.all(exits);
}

/**
 * A worker of `serve --workers`: builds the server without listening (the primary hands it
 * connections), says when it is ready, and shuts down when the primary says so — or when the
 * primary is gone, or on a signal sent to the worker itself (Ctrl-C reaches the whole group).
 */
export async function runWorker(config: Config, output: ServeOutput = {}): Promise<void> {
  const log = output.say ?? stderrLine;
  try {
    const server = await createServer(config, {
      logger: output.logger,
      clusterWorker: { port: Number(process.env[portVariable]) },
    });
    const stopNow = () =>
      server.shutdown({ delayMs: 0 }).then(
        () => process.exit(0),
        (error: unknown) => {
          log(`node-jobs: worker ${process.pid}: shutdown failed: ${messageOf(error)}`);
          process.exit(1);
        },
      );
    process.on('message', (message: unknown) => {
      if (!isLifecycle(message)) return;
      if (message.nodeJobs === 'drain') server.readiness.drain();
      if (message.nodeJobs === 'stop') void stopNow();
    });
    process.once('disconnect', () => void stopNow());
    onShutdownSignal(() => server.shutdown(), log, config.shutdown_timeout_s * 1000);
    process.send?.({ nodeJobs: 'ready', metricsUrl: server.metricsUrl } satisfies LifecycleMessage);
  } catch (error) {
    fail(error, output.complain);
  }
}
