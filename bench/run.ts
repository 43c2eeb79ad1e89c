/**
 * Benchmarks, each reported as a ratio against a baseline measured in the same run, so the
 * numbers mean the same on any machine. Run with `npm run bench`.
 */
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAppLogger } from '../libraries/appLogger';
import { DataLogger } from '../libraries/dataLogger';
import { JobsService } from '../services/jobs/jobs.service';
import { createGithubProvider } from '../services/jobs/providers/github';
import { startUpstream } from '../tests/harness/upstream';
import type { Result } from './lib';
import { socketsBenchmark } from './sockets';

/** Runs `operation` `count` times, `concurrency` at a time; returns operations per second. */
async function throughput(count: number, concurrency: number, operation: (i: number) => Promise<unknown>): Promise<number> {
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
    return { name: 'job search', subject: 'cached search', baseline: 'upstream call (local replay server)', subjectValue, baselineValue, unit: 'ops/s' };
  } finally {
    await upstream.close();
  }
}

async function dataFile(): Promise<Result> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-data-'));
  try {
    const jobs = Array.from({ length: 200 }, (_, i) => ({ id: String(i), title: 'x'.repeat(500) }));
    const logger = new DataLogger(join(dir, 'coalesced.json'));
    let n = 0;
    // Baseline: every save written in turn, atomically (temporary file, then rename).
    const naive = async () => {
      const temporary = join(dir, `naive.${n++}.tmp`);
      await writeFile(temporary, JSON.stringify(jobs, null, 2));
      await rename(temporary, join(dir, 'naive.json'));
    };
    const baselineValue = await throughput(2000, 1, naive);
    const subjectValue = await throughput(2000, 100, () => logger.save(jobs as never));
    return { name: 'saving data_file', subject: '100 concurrent saves, coalesced', baseline: 'one atomic write per save', subjectValue, baselineValue, unit: 'ops/s' };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Three significant digits at most for small numbers, whole numbers from 100 up. */
const figure = (value: number) => value.toFixed(Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2);

const results = [await jobSearch(), await dataFile(), ...(await socketsBenchmark())];
console.log('benchmark | subject | baseline | subject result | baseline result | ratio (subject / baseline)');
console.log('--- | --- | --- | --- | --- | ---');
for (const r of results) {
  const ratio = r.subjectValue / r.baselineValue;
  // A ratio means nothing when a value is zero or negative (a memory delta within the noise).
  const shown = r.subjectValue > 0 && r.baselineValue > 0 ? `${ratio.toFixed(ratio >= 10 ? 1 : 2)}×` : 'n/a';
  console.log(`${r.name} | ${r.subject} | ${r.baseline} | ${figure(r.subjectValue)} ${r.unit} | ${figure(r.baselineValue)} ${r.unit} | ${shown}`);
}
