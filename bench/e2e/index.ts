/**
 * The end-to-end part of `npm run bench`: see bench/e2e/run.ts for the machinery. Each figure is
 * a ratio against a baseline measured in the same run, interleaved in rounds, and each target is
 * printed met or short.
 */
import bcrypt from 'bcrypt';
import type { ProfileSummary } from './profile';
import { startupToHealthyMs } from './startup';
import { withLocalStack } from '../sockets';
import { combine, measure, spawn, startServer, type Child, type Measured, type RunningServer } from './run';
import { workersBenchmark, type WorkersReport } from './workers';

/** One target of issue 15: a measured value against its goal. */
export interface Target {
  name: string;
  /** What was measured, in words with the figures. */
  detail: string;
  value: number;
  goal: string;
  met: boolean;
}

/** A measured ratio reported without a target. */
export interface Comparison {
  name: string;
  detail: string;
  ratio: number;
}

export interface EndToEndReport {
  targets: Target[];
  /** Ratios reported for information (`serve --workers 2` against one process). */
  comparisons?: Comparison[];
  /** Every load measured, by name. */
  loads: Record<string, Measured>;
  figures: Record<string, number>;
}

const password = 'bench password 123';

async function json<T>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, init);
  if (!response.ok) throw new Error(`${init?.method ?? 'GET'} ${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

const ratio = (a: number, b: number) => a / b;
const fixed = (value: number, digits = 2) => value.toFixed(digits);

/** Runs the end-to-end benchmark against a local stack started for it. */
export async function endToEndBenchmark(quick: boolean, profileDir?: string): Promise<EndToEndReport> {
  const seconds = quick ? 2 : 5;
  const rounds = quick ? 1 : 3;
  return withLocalStack(async (stack) => {
    const values = {
      ...stack,
      bcrypt_rounds: 10,
      rate_limit_login: 0,
      rate_limit_register: 0,
      random_job_interval_ms: 3000,
    };
    const startups = await startupToHealthyMs(values, 3, profileDir);
    const spawnToHealthyMs = [...startups].sort((a, b) => a - b)[1]!;
    console.error(`bench: serve start to healthy: ${startups.map((ms) => ms.toFixed(0)).join(', ')} ms`);
    const subject = await startServer('subject', values);
    const started: RunningServer[] = [subject];
    const loader = await spawn('load');
    try {
      const report = await runLoads({
        subject,
        values,
        started,
        loader,
        seconds,
        rounds,
        quick,
        spawnToHealthyMs,
        profileDir,
      });
      return withWorkers(report, await workersBenchmark(loader, values, seconds, rounds));
    } finally {
      await Promise.allSettled([
        loader.stop(),
        ...started.map(async (server) => {
          await server.child.call('stop').catch(() => undefined);
          await server.child.stop();
        }),
      ]);
    }
  });
}

interface RunArgs {
  subject: RunningServer;
  values: Record<string, unknown>;
  started: RunningServer[];
  loader: Child;
  seconds: number;
  rounds: number;
  quick: boolean;
  spawnToHealthyMs: number;
  /** Where to write a CPU profile of the subject around each of its loads (`--profile`). */
  profileDir?: string;
}

async function runLoads({
  subject,
  values,
  started,
  loader,
  seconds,
  rounds,
  quick,
  spawnToHealthyMs,
  profileDir,
}: RunArgs): Promise<EndToEndReport> {
  const email = `bench${Date.now()}@example.com`;
  await json(`${subject.url}/users`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email, username: `bench${Date.now() % 1e9}`, password }),
  });
  const { token } = await json<{ token: string }>(`${subject.url}/sessions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  const auth = { Authorization: `Bearer ${token}` };
  const body = await (await fetch(`${subject.url}/?location=Berlin`)).text();

  const baselines: Record<string, RunningServer> = {};
  for (const kind of [
    'raw-bytes',
    'express-json',
    'express-bytes',
    'fastify-json',
    'express-small',
    'express-sessions',
  ] as const) {
    baselines[kind] = await startServer(kind, values, body);
    started.push(baselines[kind]);
  }
  const plan: { name: string; server: RunningServer; path: string; headers?: Record<string, string> }[] = [
    { name: 'subject GET /?location=Berlin (cached)', server: subject, path: '/?location=Berlin' },
    { name: 'Express sending the same bytes', server: baselines['express-bytes']!, path: '/' },
    { name: 'raw node:http sending the same bytes', server: baselines['raw-bytes']!, path: '/' },
    { name: 'Express res.json of the result', server: baselines['express-json']!, path: '/' },
    { name: 'Fastify returning the result', server: baselines['fastify-json']!, path: '/' },
    { name: 'subject GET /sessions', server: subject, path: '/sessions', headers: auth },
    {
      name: 'hand-written Express GET /sessions',
      server: baselines['express-sessions']!,
      path: '/sessions',
      headers: auth,
    },
    { name: 'subject GET /healthz', server: subject, path: '/healthz' },
    { name: 'Express answering a small JSON', server: baselines['express-small']!, path: '/healthz' },
  ];
  // Warm-up: every path once under load, so compilation and first connections are not counted.
  for (const item of plan) await measure(loader, item.server, item.path, 1, { headers: item.headers });
  const measured = new Map<string, Measured[]>();
  if (profileDir)
    for (const item of plan)
      await profiled(item.server, profileDir, item.name, () =>
        measure(loader, item.server, item.path, seconds, { headers: item.headers }),
      );
  for (let round = 0; round < rounds; round++) {
    // Subject and baseline interleaved; the order flips every round.
    const order = round % 2 === 0 ? plan : [...plan].reverse();
    for (const item of order) {
      const result = await measure(loader, item.server, item.path, seconds, { headers: item.headers });
      if (result.non2xx > 0 || result.errors > 0)
        console.error(
          `bench: ${item.name}: ${result.non2xx} non-2xx (${JSON.stringify(result.statuses)}), ${result.errors} errors`,
        );
      measured.set(item.name, [...(measured.get(item.name) ?? []), result]);
    }
  }
  const loads = Object.fromEntries([...measured].map(([name, results]) => [name, combine(results)]));
  const at = (name: string) => loads[name]!;

  const logins = await loginLoad(loader, subject, email, quick ? 4 : 10);
  if (profileDir)
    await profiled(subject, profileDir, 'subject POST /sessions', () => loginLoad(loader, subject, email, 4));
  const bcryptChild = await spawn('servers');
  const hash = await bcrypt.hash(password, 10);
  const bcryptPerSecond = await bcryptChild.call<number>('bcrypt', {
    hash,
    password,
    concurrency: 20,
    ms: (quick ? 4 : 10) * 1000,
  });
  await bcryptChild.stop();

  const idle = await subject.child.call<{ heapUsed: number; rss: number }>('memory');
  const searches = quick ? 10_000 : 100_000;
  const cold = await measure(loader, subject, '/', 0, {
    amount: searches,
    distinctLocations: `city-${Date.now().toString(36)}-`,
  });
  const after = await subject.child.call<{ heapUsed: number; rss: number }>('memory');
  if (cold.requests < searches) console.error(`bench: cold searches: ${JSON.stringify(cold.statuses)}`);

  const search = ratio(
    at('subject GET /?location=Berlin (cached)').requestsPerSecond,
    at('Express sending the same bytes').requestsPerSecond,
  );
  const sessions = ratio(
    at('subject GET /sessions').requestsPerSecond,
    at('hand-written Express GET /sessions').requestsPerSecond,
  );
  const sessionsCpu = ratio(
    at('subject GET /sessions').cpuUsPerRequest,
    at('hand-written Express GET /sessions').cpuUsPerRequest,
  );
  const health = ratio(
    at('subject GET /healthz').requestsPerSecond,
    at('Express answering a small JSON').requestsPerSecond,
  );
  const loginRatio = logins.perSecond / bcryptPerSecond;
  const targets: Target[] = [
    {
      name: 'cached search',
      detail: `${fixed(at('subject GET /?location=Berlin (cached)').requestsPerSecond, 0)} vs ${fixed(at('Express sending the same bytes').requestsPerSecond, 0)} req/s`,
      value: search,
      goal: '≥ 0.8 × Express sending the same bytes',
      met: search >= 0.8,
    },
    {
      name: 'GET /sessions throughput',
      detail: `${fixed(at('subject GET /sessions').requestsPerSecond, 0)} vs ${fixed(at('hand-written Express GET /sessions').requestsPerSecond, 0)} req/s`,
      value: sessions,
      goal: '≥ 0.85 × hand-written',
      met: sessions >= 0.85,
    },
    {
      name: 'GET /sessions CPU per request',
      detail: `${fixed(at('subject GET /sessions').cpuUsPerRequest, 0)} vs ${fixed(at('hand-written Express GET /sessions').cpuUsPerRequest, 0)} µs`,
      value: sessionsCpu,
      goal: '≤ 1.2 × hand-written',
      met: sessionsCpu <= 1.2,
    },
    {
      name: '/healthz',
      detail: `${fixed(at('subject GET /healthz').requestsPerSecond, 0)} vs ${fixed(at('Express answering a small JSON').requestsPerSecond, 0)} req/s`,
      value: health,
      goal: '≥ 0.8 × Express small JSON',
      met: health >= 0.8,
    },
    {
      name: 'logins',
      detail: `${fixed(logins.perSecond, 1)} logins/s vs bcrypt.compare ${fixed(bcryptPerSecond, 1)}/s (cost 10, 20 at once)`,
      value: loginRatio,
      goal: '≥ 0.9 × bcrypt',
      met: loginRatio >= 0.9,
    },
    {
      name: 'event-loop delay p99 during logins',
      detail: 'in the server process (perf_hooks, 10 ms resolution)',
      value: logins.eventLoopP99Ms,
      goal: '< 50 ms',
      met: logins.eventLoopP99Ms < 50,
    },
    {
      name: 'cold search CPU',
      detail: `server CPU per request over ${searches} distinct \`GET /?location=…\`, sample provider`,
      value: cold.cpuUsPerRequest / 1000,
      goal: '≤ 1 ms',
      met: cold.requests === searches && cold.cpuUsPerRequest <= 1000,
    },
    {
      name: `memory after ${searches} distinct searches`,
      detail: `RSS ${fixed(idle.rss / 2 ** 20, 1)} → ${fixed(after.rss / 2 ** 20, 1)} MiB, heap ${fixed(idle.heapUsed / 2 ** 20, 1)} → ${fixed(after.heapUsed / 2 ** 20, 1)} MiB (after a full GC)`,
      value: after.rss / idle.rss,
      goal: '≤ 2 × idle RSS',
      met: after.rss <= 2 * idle.rss,
    },
    {
      name: 'start-up to healthy',
      detail: `\`node-jobs serve\` (compiled) spawned to /healthz 200, median of 3`,
      value: spawnToHealthyMs,
      goal: '< 1000 ms',
      met: spawnToHealthyMs < 1000,
    },
  ];
  return {
    targets,
    loads,
    figures: {
      bcryptPerSecond,
      loginsPerSecond: logins.perSecond,
      eventLoopP99Ms: logins.eventLoopP99Ms,
      coldSearchCpuUs: cold.cpuUsPerRequest,
      idleRss: idle.rss,
      rssAfterSearches: after.rss,
      spawnToHealthyMs,
    },
  };
}

/** Runs `load` with the subject's CPU profiled, and prints where its time went. */
async function profiled(server: RunningServer, dir: string, name: string, load: () => Promise<unknown>): Promise<void> {
  await server.child.call('profileStart');
  const measured = await load();
  const summary = await server.child.call<ProfileSummary>('profileStop', { dir, name });
  // A load's own figures (CPU per request) turn the shares into microseconds per request.
  const perRequest = (measured as Partial<Measured> | undefined)?.cpuUsPerRequest;
  const share = (percent: number) =>
    `${percent.toFixed(1).padStart(5)} %${perRequest ? ` ${((percent / 100) * perRequest).toFixed(1).padStart(6)} µs/request` : ''}`;
  console.log(`\nprofile of ${name} (${summary.samples} busy samples, ${summary.file}), self time:`);
  for (const { name: where, percent } of summary.packages) console.log(`  ${share(percent)}  ${where}`);
  console.log('  by function:');
  for (const { name: where, percent } of summary.functions) console.log(`  ${share(percent)}  ${where}`);
}

/** Logins at 20 at once; the event-loop delay measured in the server's process; CPU read after the hashes in flight finished. */
async function loginLoad(
  loader: Child,
  subject: RunningServer,
  email: string,
  seconds: number,
): Promise<{ perSecond: number; eventLoopP99Ms: number }> {
  await subject.child.call<number>('eventLoopP99Ms');
  const load = await loader.call<{ requests: number; requestsPerSecond: number; non2xx: number }>(
    'load',
    {
      url: `${subject.url}/sessions`,
      connections: 20,
      seconds,
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email, password }),
    },
    (seconds + 60) * 1000,
  );
  const eventLoop = await subject.child.call<number>('eventLoopP99Ms');
  if (load.non2xx > 0) console.error(`bench: logins: ${load.non2xx} non-2xx`);
  return { perSecond: load.requestsPerSecond, eventLoopP99Ms: eventLoop };
}

/**
 * Adds `serve --workers 2` against one process, as comparisons rather than targets: on a machine
 * whose two cores the load generator, DynamoDB Local and Redis share, a second worker has no core of
 * its own, and every request pays the sticky hand-over (see BENCHMARKS.md).
 */
function withWorkers(report: EndToEndReport, workers: WorkersReport): EndToEndReport {
  const comparison = (name: string, what: string, ratio: number): Comparison => {
    const one = workers.loads[`serve (one process) ${what}`]!;
    const two = workers.loads[`serve --workers 2 ${what}`]!;
    return {
      name,
      detail: `${fixed(two.requestsPerSecond, 0)} vs ${fixed(one.requestsPerSecond, 0)} req/s, p99 ${fixed(two.p99Ms, 0)} vs ${fixed(one.p99Ms, 0)} ms, CPU of every process ${fixed(two.cpuUsPerRequest, 0)} vs ${fixed(one.cpuUsPerRequest, 0)} µs/request`,
      ratio,
    };
  };
  return {
    ...report,
    loads: { ...report.loads, ...workers.loads },
    figures: {
      ...report.figures,
      workersSearchRatio: workers.searchRatio,
      workersSessionsRatio: workers.sessionsRatio,
    },
    comparisons: [
      comparison(
        'serve --workers 2 / one process, cached search',
        'GET /?location=Berlin (cached)',
        workers.searchRatio,
      ),
      comparison('serve --workers 2 / one process, GET /sessions', 'GET /sessions', workers.sessionsRatio),
    ],
  };
}
