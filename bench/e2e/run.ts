/**
 * The end-to-end benchmark: node-jobs over HTTP, each route beside a baseline doing the same work
 * by hand, every server in a process of its own and the load (autocannon) in another; subject and
 * baseline interleaved in rounds, reported as ratios with each target met or short.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { built } from '../lib';
import type { LoadArgs, LoadResult } from './load';
import type { ServerKind } from './servers';

/** A child process answering numbered IPC requests. */
export interface Child {
  call<T>(command: string, args?: unknown, timeoutMs?: number): Promise<T>;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

/** Forks a compiled bench entry (see bench/build.ts) and waits for its `ready`. */
export async function spawn(file: 'servers' | 'load', execArgv: string[] = []): Promise<Child> {
  const child = fork(built(file), [], {
    execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let next = 0;
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${file} exited with ${code} before it was ready`)));
    child.on('message', (message: { ready?: boolean; id?: number; result?: unknown; error?: string }) => {
      if (message.ready) return resolve();
      const waiting = pending.get(message.id!);
      pending.delete(message.id!);
      if (message.error !== undefined) waiting?.reject(new Error(message.error));
      else waiting?.resolve(message.result);
    });
  });
  child.removeAllListeners('exit');
  return {
    process: child,
    call<T>(command: string, args?: unknown, timeoutMs = 120_000) {
      const id = ++next;
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${file}: ${command} took over ${timeoutMs} ms`)), timeoutMs);
        pending.set(id, {
          resolve: (value) => (clearTimeout(timer), resolve(value as T)),
          reject: (error) => (clearTimeout(timer), reject(error)),
        });
        child.send(file === 'load' ? { id, args } : { id, command, args });
      });
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** A server process of some kind, started. */
export interface RunningServer {
  kind: ServerKind;
  url: string;
  child: Child;
}

export async function startServer(
  kind: ServerKind,
  values: Record<string, unknown>,
  body?: string,
): Promise<RunningServer> {
  const child = await spawn('servers', ['--expose-gc']);
  const { url } = await child.call<{ url: string }>('start', { kind, values, body });
  return { kind, url, child };
}

/** One measured load: figures from autocannon, CPU from the server process. */
export interface Measured extends LoadResult {
  cpuUsPerRequest: number;
}

/** Loads `path` of a server for `seconds` and reads the server's CPU time around it. */
export async function measure(
  loader: Child,
  server: RunningServer,
  path: string,
  seconds: number,
  extra: Partial<LoadArgs> = {},
): Promise<Measured> {
  const before = await server.child.call<{ us: number }>('cpu');
  const load = await loader.call<LoadResult>(
    'load',
    { url: server.url + path, connections: 50, seconds, ...extra } satisfies LoadArgs,
    // A fixed amount of requests: allow 500 a second at the least.
    (seconds + 60 + (extra.amount ?? 0) / 500) * 1000,
  );
  const after = await server.child.call<{ us: number }>('cpu');
  return { ...load, cpuUsPerRequest: (after.us - before.us) / Math.max(1, load.requests) };
}

/** Sums of rounds: requests/s and p99 averaged, CPU per request over all requests. */
export function combine(rounds: Measured[]): Measured {
  const requests = rounds.reduce((sum, r) => sum + r.requests, 0);
  return {
    requests,
    requestsPerSecond: rounds.reduce((sum, r) => sum + r.requestsPerSecond, 0) / rounds.length,
    p99Ms: rounds.reduce((sum, r) => sum + r.p99Ms, 0) / rounds.length,
    non2xx: rounds.reduce((sum, r) => sum + r.non2xx, 0),
    errors: rounds.reduce((sum, r) => sum + r.errors, 0),
    statuses: rounds.reduce<Record<string, number>>((sum, r) => {
      for (const [code, count] of Object.entries(r.statuses)) sum[code] = (sum[code] ?? 0) + count;
      return sum;
    }, {}),
    cpuUsPerRequest: rounds.reduce((sum, r) => sum + r.cpuUsPerRequest * r.requests, 0) / Math.max(1, requests),
  };
}

export { performance };
