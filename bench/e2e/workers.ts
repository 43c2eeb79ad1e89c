/**
 * `serve --workers 2` against one `serve` process: both the compiled CLI (as from dist/), spawned
 * against the running local stack, loaded by autocannon from the load process with a cached search
 * and `GET /sessions`, interleaved in rounds. CPU is read from /proc for the whole process tree
 * (the primary and its workers).
 */
import type { ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../../devtools/localStack';
import type { LoadArgs, LoadResult } from './load';
import { combine, type Child, type Measured } from './run';
import { runCompiledCli } from './startup';

/** A `serve` process tree started for the bench. */
interface Service {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Clock ticks per second of /proc's CPU times (USER_HZ, 100 on Linux). */
const ticksPerSecond = 100;

/** CPU time (µs) of `pid` and every process below it, from /proc. */
function treeCpuUs(pid: number): number {
  const stats = new Map<number, { ppid: number; ticks: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      stats.set(Number(entry), { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      // Ended while we looked.
    }
  }
  let ticks = 0;
  const queue = [pid];
  while (queue.length > 0) {
    const current = queue.shift()!;
    ticks += stats.get(current)?.ticks ?? 0;
    for (const [child, { ppid }] of stats) if (ppid === current) queue.push(child);
  }
  return (ticks / ticksPerSecond) * 1e6;
}

async function startService(values: Record<string, unknown>, workers: number): Promise<Service> {
  const port = await freePort();
  const { child, directory, errors } = await runCompiledCli(['serve'], { ...values, port, workers });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    child.kill('SIGTERM');
    await exited;
    await rm(directory, { recursive: true, force: true });
  };
  for (const until = performance.now() + 120_000; performance.now() < until;) {
    if (child.exitCode !== null)
      throw new Error(`serve --workers ${workers} exited with ${child.exitCode}: ${errors()}`);
    if ((await fetch(`${url}/readyz`).catch(() => undefined))?.status === 200) return { url, child, stop };
    await sleep(50);
  }
  await stop();
  throw new Error(`serve --workers ${workers} was not ready within 120 s`);
}

/** Loads `path` of a service for `seconds`; CPU of its whole process tree around it. */
async function measureTree(
  loader: Child,
  service: Service,
  path: string,
  seconds: number,
  headers?: Record<string, string>,
): Promise<Measured> {
  const before = treeCpuUs(service.child.pid!);
  const load = await loader.call<LoadResult>(
    'load',
    { url: service.url + path, connections: 50, seconds, headers } satisfies LoadArgs,
    (seconds + 60) * 1000,
  );
  const after = treeCpuUs(service.child.pid!);
  return { ...load, cpuUsPerRequest: (after - before) / Math.max(1, load.requests) };
}

async function bearer(url: string): Promise<Record<string, string>> {
  const email = `workers${Date.now()}${Math.random().toString(36).slice(2, 8)}@example.com`;
  const password = 'bench password 123';
  const json = { 'Content-Type': 'application/json' };
  await fetch(`${url}/users`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ email, username: `w${Date.now() % 1e9}${Math.floor(Math.random() * 1e4)}`, password }),
  });
  const answer = await fetch(`${url}/sessions`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ email, password }),
  });
  const { token } = (await answer.json()) as { token: string };
  return { Authorization: `Bearer ${token}` };
}

export interface WorkersReport {
  loads: Record<string, Measured>;
  /** req/s of `--workers 2` over one process: cached search, `GET /sessions`. */
  searchRatio: number;
  sessionsRatio: number;
}

/** Cached search and `GET /sessions` of `serve --workers 2` against one `serve` process. */
export async function workersBenchmark(
  loader: Child,
  values: Record<string, unknown>,
  seconds: number,
  rounds: number,
): Promise<WorkersReport> {
  const services: Record<'one' | 'two', Service> = {
    one: await startService(values, 1),
    two: await startService(values, 2),
  };
  try {
    const headers = { one: await bearer(services.one.url), two: await bearer(services.two.url) };
    const plan = (['one', 'two'] as const).flatMap((which) => [
      {
        name: `serve ${which === 'one' ? '(one process)' : '--workers 2'} GET /?location=Berlin (cached)`,
        which,
        path: '/?location=Berlin',
      },
      {
        name: `serve ${which === 'one' ? '(one process)' : '--workers 2'} GET /sessions`,
        which,
        path: '/sessions',
        headers: headers[which],
      },
    ]);
    for (const item of plan) await measureTree(loader, services[item.which], item.path, 1, item.headers);
    const measured = new Map<string, Measured[]>();
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? plan : [...plan].reverse();
      for (const item of order) {
        const result = await measureTree(loader, services[item.which], item.path, seconds, item.headers);
        if (result.non2xx > 0 || result.errors > 0)
          console.error(
            `bench: ${item.name}: ${result.non2xx} non-2xx (${JSON.stringify(result.statuses)}), ${result.errors} errors`,
          );
        measured.set(item.name, [...(measured.get(item.name) ?? []), result]);
      }
    }
    const loads = Object.fromEntries([...measured].map(([name, results]) => [name, combine(results)]));
    const rate = (which: 'one' | 'two', what: string) =>
      loads[`serve ${which === 'one' ? '(one process)' : '--workers 2'} ${what}`]!.requestsPerSecond;
    return {
      loads,
      searchRatio: rate('two', 'GET /?location=Berlin (cached)') / rate('one', 'GET /?location=Berlin (cached)'),
      sessionsRatio: rate('two', 'GET /sessions') / rate('one', 'GET /sessions'),
    };
  } finally {
    await Promise.allSettled([services.one.stop(), services.two.stop()]);
  }
}
