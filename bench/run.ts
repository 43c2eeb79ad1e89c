/**
 * Benchmarks, each reported as a ratio against a baseline measured in the same run, so the
 * numbers mean the same on any machine. Run with `npm run bench`.
 */
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, platform, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { createAppLogger } from '../libraries/appLogger';
import { LatestResult } from '../libraries/dataLogger';
import { JobsService } from '../services/jobs/jobs.service';
import { createGithubProvider } from '../services/jobs/providers/github';
import { startUpstream } from '../tests/harness/upstream';
import type { Result } from './lib';
import { buildBench } from './build';
import { socketsBenchmark } from './sockets';
import { endToEndBenchmark, type Target } from './e2e';

/** `--quick`: the end-to-end part only, short loads (under 2 minutes). */
const quick = process.argv.includes('--quick');

/** Runs `operation` `count` times, `concurrency` at a time; returns operations per second. */
async function throughput(
  count: number,
  concurrency: number,
  operation: (i: number) => Promise<unknown>,
): Promise<number> {
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await operation(next++);
    }),
  );
  return count / (Number(process.hrtime.bigint() - started) / 1e9);
}

async function jobSearch(): Promise<Result> {
  const upstream = await startUpstream();
  try {
    const provider = createGithubProvider(new URL(`${upstream.url}/github/positions.json`));
    const service = new JobsService(provider, { cacheTtlMs: 60_000, timeoutMs: 5000 }, createAppLogger(true));
    const query = { location: 'berlin', fullTime: false };
    await service.search(query);
    const signal = () => AbortSignal.timeout(5000);
    // Warm both paths before measuring.
    await throughput(200, 10, () => provider.search(query, signal()));
    const baselineValue = await throughput(2000, 10, () => provider.search(query, signal()));
    const subjectValue = await throughput(200_000, 10, () => service.search(query));
    return {
      name: 'job search',
      subject: 'cached search',
      baseline: 'upstream call (local replay server)',
      subjectValue,
      baselineValue,
      unit: 'ops/s',
    };
  } finally {
    await upstream.close();
  }
}

async function dataFile(): Promise<Result> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-data-'));
  try {
    const jobs = Array.from({ length: 200 }, (_, i) => ({ id: String(i), title: 'x'.repeat(500) }));
    const logger = new LatestResult(join(dir, 'coalesced.json'));
    let n = 0;
    // Baseline: every save written in turn, atomically (temporary file, then rename).
    const naive = async () => {
      const temporary = join(dir, `naive.${n++}.tmp`);
      await writeFile(temporary, JSON.stringify(jobs, null, 2));
      await rename(temporary, join(dir, 'naive.json'));
    };
    const baselineValue = await throughput(2000, 1, naive);
    const subjectValue = await throughput(2000, 100, () => logger.save(jobs as never));
    return {
      name: 'saving data_file',
      subject: '100 concurrent saves, coalesced',
      baseline: 'one atomic write per save',
      subjectValue,
      baselineValue,
      unit: 'ops/s',
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Three significant digits at most for small numbers, whole numbers from 100 up. */
const figure = (value: number) => value.toFixed(Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2);

/** `--profile`: CPU profiles of the server around each of its loads, in bench/profiles/. */
const profileDir = process.argv.includes('--profile') ? join(import.meta.dirname, 'profiles') : undefined;
await buildBench();
const e2e = await endToEndBenchmark(quick, profileDir);
/** The sockets benchmark at `connections`; a failed check is reported as a target short, not hidden. */
async function sockets(connections: number): Promise<Result[]> {
  try {
    return await socketsBenchmark(connections);
  } catch (error) {
    console.error(`sockets at ${connections}: ${error instanceof Error ? error.message : String(error)}`);
    return [
      {
        name: `/random-jobs at ${connections} sockets`,
        subject: 'node-jobs',
        baseline: 'bare socket.io',
        subjectValue: 0,
        baselineValue: 1,
        unit: 'checks passed',
        goal: 'every client connected and served',
        met: false,
      },
    ];
  }
}
const results = quick ? [] : [await jobSearch(), await dataFile(), ...(await sockets(1000)), ...(await sockets(3000))];
console.log('benchmark | subject | baseline | subject result | baseline result | ratio (subject / baseline)');
console.log('--- | --- | --- | --- | --- | ---');
for (const r of results) {
  const ratio = r.subjectValue / r.baselineValue;
  // A ratio means nothing when a value is zero or negative (a memory delta within the noise).
  const shown = r.subjectValue > 0 && r.baselineValue > 0 ? `${ratio.toFixed(ratio >= 10 ? 1 : 2)}×` : 'n/a';
  console.log(
    `${r.name} | ${r.subject} | ${r.baseline} | ${figure(r.subjectValue)} ${r.unit} | ${figure(r.baselineValue)} ${r.unit} | ${shown}`,
  );
}

console.log('\nload | req/s | p99 ms | server CPU µs/request');
console.log('--- | --- | --- | ---');
for (const [name, m] of Object.entries(e2e.loads))
  console.log(`${name} | ${figure(m.requestsPerSecond)} | ${figure(m.p99Ms)} | ${figure(m.cpuUsPerRequest)}`);
if (e2e.comparisons?.length) {
  console.log('\ncomparison | measured | ratio');
  console.log('--- | --- | ---');
  for (const c of e2e.comparisons) console.log(`${c.name} | ${c.detail} | ${c.ratio.toFixed(2)}×`);
}
console.log('\ntarget | measured | value | goal | met or short');
console.log('--- | --- | --- | --- | ---');
const socketTargets: Target[] = results
  .filter((r) => r.goal !== undefined)
  .map((r) => ({
    name: r.name,
    detail: `${figure(r.subjectValue)} vs ${figure(r.baselineValue)} ${r.unit}`,
    value: r.subjectValue / r.baselineValue,
    goal: r.goal ?? '',
    met: r.met ?? true,
  }));
const targets = [...e2e.targets, ...socketTargets];
for (const t of targets)
  console.log(`${t.name} | ${t.detail} | ${figure(t.value)} | ${t.goal} | ${t.met ? 'met' : 'SHORT'}`);
await writeFile(
  join(import.meta.dirname, 'results.json'),
  `${JSON.stringify({ at: new Date().toISOString(), quick, machine: machine(), targets, comparisons: e2e.comparisons, loads: e2e.loads, figures: e2e.figures, inProcess: results }, null, 2)}\n`,
);

/** The machine the figures were measured on. */
function machine(): Record<string, unknown> {
  return {
    cpus: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}`,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${platform()} ${release()}`,
    load: loadavg(),
  };
}
