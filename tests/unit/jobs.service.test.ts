import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Job } from '../../client/types';
import type { AppLogger } from '../../libraries/appLogger';
import { HttpError } from '../../libraries/errors';
import { JobsService, type JobsServiceOptions } from '../../services/jobs/jobs.service';
import { createGithubProvider } from '../../services/jobs/providers/github';
import type { JobQuery, JobsProvider } from '../../services/jobs/providers/provider';
import { fakeJob } from '../harness/jobs';

const job = (id: string, location = 'Berlin'): Job => fakeJob(id, { location });

/** A board in memory whose answers the test controls, counting the calls it gets. */
class FakeBoard implements JobsProvider {
  readonly name = 'fake';
  readonly queries: JobQuery[] = [];
  readonly signals: AbortSignal[] = [];
  /** What the next calls do; by default answer `jobs`. */
  answer: () => Promise<Job[]> = () => Promise.resolve(this.jobs);
  jobs: Job[] = [job('b1'), job('b2'), job('m1', 'Munich')];

  /** Like a board that filters on every criterion: each distinct query is its own upstream request. */
  upstreamKey(query: JobQuery): string {
    return JSON.stringify([
      query.location?.toLowerCase() ?? '',
      query.description?.toLowerCase() ?? '',
      query.fullTime,
    ]);
  }

  search(query: JobQuery, signal: AbortSignal): Promise<Job[]> {
    this.queries.push(query);
    this.signals.push(signal);
    return this.answer();
  }
}

function recordingLogger(): AppLogger & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, info: () => undefined, warn: (message) => warnings.push(message), error: () => undefined };
}

const berlin: JobQuery = { location: 'Berlin', fullTime: false };
const never = () => new Promise<Job[]>(() => undefined);

describe('JobsService', () => {
  let board: FakeBoard;
  let logger: ReturnType<typeof recordingLogger>;
  const service = (options: Partial<JobsServiceOptions> = {}) =>
    new JobsService(board, { cacheTtlMs: 300_000, timeoutMs: 5000, ...options }, logger);

  beforeEach(() => {
    board = new FakeBoard();
    logger = recordingLogger();
    // Only the clock is faked: the cache reads Date.now(); timeouts stay real.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-26T10:00:00Z'));
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('applies the query to what the board answers', async () => {
    expect((await service().search(berlin)).map((found) => found.id)).toEqual(['b1', 'b2']);
    expect(board.queries).toEqual([berlin]);
  });

  it('reuses a result younger than jobs_cache_ttl_s, and asks the board again once it is older', async () => {
    const jobs = service({ cacheTtlMs: 300_000 });
    const first = await jobs.search(berlin);
    vi.advanceTimersByTime(299_999);
    expect(await jobs.search(berlin)).toEqual(first);
    expect(board.queries.length).toBe(1);

    board.jobs = [job('b3')];
    vi.advanceTimersByTime(1);
    expect((await jobs.search(berlin)).map((found) => found.id)).toEqual(['b3']);
    expect(board.queries.length).toBe(2);
    expect(board.queries).toHaveLength(2);
  });

  it('asks the board every time when the TTL is 0', async () => {
    const jobs = service({ cacheTtlMs: 0 });
    await jobs.search(berlin);
    await jobs.search(berlin);
    expect(board.queries.length).toBe(2);
  });

  it('shares one cache entry between queries that differ only in case, not between different queries', async () => {
    const jobs = service();
    await jobs.search({ location: 'Berlin', description: 'Engineer', fullTime: false });
    await jobs.search({ location: 'BERLIN', description: 'engineer', fullTime: false });
    expect(board.queries.length).toBe(1);
    await jobs.search({ location: 'Berlin', description: 'Engineer', fullTime: true });
    await jobs.search({ location: 'Munich', description: 'Engineer', fullTime: false });
    await jobs.search({ location: 'Berlin', fullTime: false });
    expect(board.queries.length).toBe(4);
  });

  it('makes one upstream call for concurrent identical misses, and a new one once it has settled', async () => {
    const jobs = service({ cacheTtlMs: 0 });
    const results = await Promise.all([
      jobs.search(berlin),
      jobs.search(berlin),
      jobs.search({ ...berlin, location: 'berlin' }),
    ]);
    expect(board.queries.length).toBe(1);
    expect(results[1]).toEqual(results[0]);
    expect(results[2]).toEqual(results[0]);
    await jobs.search(berlin);
    expect(board.queries.length).toBe(2);
  });

  it('answers 502 naming the board when it fails and nothing was cached', async () => {
    board.answer = () => Promise.reject(new Error('connection refused'));
    const error = await service()
      .search(berlin)
      .catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toMatchObject({
      status: 502,
      message: 'The job board (fake) is unavailable and no cached result exists; try again later.',
    });
    expect(logger.warnings).toEqual(['Job search failed: connection refused']);
  });

  it('serves the last result of a query, even past its TTL, while the board fails', async () => {
    const jobs = service({ cacheTtlMs: 1000 });
    const first = await jobs.search(berlin);
    vi.advanceTimersByTime(5000);
    board.answer = () => Promise.reject(new Error('board down'));
    expect(await jobs.search(berlin)).toEqual(first);
    expect(board.queries.length).toBe(2);
    expect(logger.warnings).toEqual(['Serving a cached result: board down']);
    // Another query has nothing to fall back on.
    await expect(jobs.search({ location: 'Munich', fullTime: false })).rejects.toMatchObject({ status: 502 });
  });

  it('gives up after timeoutMs, even when the board ignores the abort signal', async () => {
    board.answer = never;
    const started = performance.now();
    await expect(service({ timeoutMs: 50 }).search(berlin)).rejects.toMatchObject({
      status: 502,
      message: 'The job board (fake) is unavailable and no cached result exists; try again later.',
    });
    expect(logger.warnings).toEqual(['Job search failed: The job board timed out.']);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(board.signals[0]?.aborted).toBe(true);
  });

  it('aborts calls in progress on close(), and fails the ones after it at once', async () => {
    board.answer = never;
    const jobs = service({ timeoutMs: 60_000 });
    const pending = jobs.search(berlin);
    jobs.close();
    await expect(pending).rejects.toMatchObject({
      status: 502,
      message: 'The job board (fake) is unavailable and no cached result exists; try again later.',
    });
    expect(logger.warnings).toEqual(['Job search failed: This operation was aborted']);
    board.answer = () => Promise.resolve([job('late')]);
    await expect(jobs.search({ location: 'Munich', fullTime: false })).rejects.toMatchObject({
      status: 502,
      message: 'The job board (fake) is unavailable and no cached result exists; try again later.',
    });
    expect(logger.warnings[1]).toMatch(/aborted/);
  });

  it('keeps at most maxCachedQueries results, dropping the least recently used', async () => {
    const jobs = service({ maxCachedQueries: 2 });
    const a: JobQuery = { location: 'a', fullTime: false };
    const b: JobQuery = { location: 'b', fullTime: false };
    const c: JobQuery = { location: 'c', fullTime: false };
    await jobs.search(a);
    await jobs.search(b);
    await jobs.search(a); // a is now the most recently used
    await jobs.search(c); // drops b
    expect(board.queries.length).toBe(3);
    await jobs.search(a);
    expect(board.queries.length).toBe(3);
    await jobs.search(b);
    expect(board.queries.length).toBe(4);
  });

  it('answers a repeated search with the same array, and each criterion of a shared answer with its own', async () => {
    board.upstreamKey = () => 'one request'; // a board without parameters: every query shares its answer
    board.jobs = [job('b1'), job('m1', 'Munich'), fakeJob('d1', { location: 'Hamburg', description: 'Rust' })];
    const jobs = service();
    const ids = async (query: JobQuery) => (await jobs.search(query)).map((found) => found.id);
    const first = await jobs.search({ location: 'Berlin', fullTime: false });
    expect(await jobs.search({ location: 'BERLIN', fullTime: false })).toBe(first);
    expect(await ids({ location: 'Munich', fullTime: false })).toEqual(['m1']);
    expect(await ids({ description: 'rust', fullTime: false })).toEqual(['d1']);
    expect(await ids({ description: 'build', fullTime: false })).toEqual(['b1', 'm1']);
    expect(await ids({ fullTime: false })).toEqual(['b1', 'm1', 'd1']);
    expect(board.queries.length).toBe(1);
  });

  it('keeps the 64 filtered views of an answer made last', async () => {
    board.upstreamKey = () => 'one request';
    const jobs = service();
    const query = (i: number): JobQuery => ({ location: `city ${i}`, fullTime: false });
    const views: Job[][] = [];
    for (let i = 0; i < 64; i++) views.push(await jobs.search(query(i)));
    expect(await jobs.search(query(0))).toBe(views[0]);
    await jobs.search(query(64)); // the 65th view drops the first one made
    expect(await jobs.search(query(1))).toBe(views[1]);
    expect(await jobs.search(query(63))).toBe(views[63]);
    expect(await jobs.search(query(0))).not.toBe(views[0]);
    expect(board.queries.length).toBe(1);
  });

  it('tells a cold search (nothing fresh cached, nothing in flight) from one the cache or a call in flight answers', async () => {
    let release!: (jobs: Job[]) => void;
    board.answer = () => new Promise<Job[]>((resolve) => (release = resolve));
    const jobs = service({ cacheTtlMs: 1000 });
    expect(jobs.isCold(berlin)).toBe(true);
    const pending = jobs.search(berlin);
    expect(jobs.isCold(berlin)).toBe(false);
    expect(jobs.isCold({ location: 'Munich', fullTime: false })).toBe(true);
    release([job('b1')]);
    await pending;
    expect(jobs.isCold(berlin)).toBe(false);
    vi.advanceTimersByTime(1000);
    expect(jobs.isCold(berlin)).toBe(true);
  });

  it('tells its observer of each cache hit and miss and of each upstream call', async () => {
    const seen: string[] = [];
    const jobs = service({
      observer: {
        cacheLookup: (result) => seen.push(`cache ${result}`),
        upstreamCall: (outcome) => seen.push(`upstream ${outcome}`),
      },
    });
    await jobs.search(berlin);
    await jobs.search(berlin);
    board.answer = () => Promise.reject(new Error('down'));
    await jobs.search({ location: 'Munich', fullTime: false }).catch(() => undefined);
    expect(seen).toEqual(['cache miss', 'upstream ok', 'cache hit', 'cache miss', 'upstream error']);
  });

  it('keeps 500 queries by default', async () => {
    const jobs = service();
    const query = (i: number): JobQuery => ({ location: `city ${i}`, fullTime: false });
    for (let i = 0; i < 501; i++) await jobs.search(query(i));
    await jobs.search(query(1));
    expect(board.queries.length).toBe(501);
    await jobs.search(query(0));
    expect(board.queries.length).toBe(502);
  });
});

describe('the upstream key of a board that filters on every criterion (github)', () => {
  const github = createGithubProvider(new URL('http://127.0.0.1:9/positions.json'));
  const upstreamKey = (query: JobQuery) => github.upstreamKey(query);
  it('ignores case and tells absent from empty criteria apart only by fullTime', () => {
    expect(upstreamKey({ location: 'Berlin', description: 'Node', fullTime: true })).toBe(
      upstreamKey({ location: 'bERLIN', description: 'nODE', fullTime: true }),
    );
    expect(upstreamKey({ fullTime: false })).toBe(upstreamKey({ location: '', description: '', fullTime: false }));
    expect(upstreamKey({ fullTime: false })).not.toBe(upstreamKey({ fullTime: true }));
    expect(upstreamKey({ location: 'x', fullTime: false })).not.toBe(
      upstreamKey({ description: 'x', fullTime: false }),
    );
  });
});
