import type { Job } from '../../client/types';
import { badGateway, messageOf } from '../../libraries/errors';
import type { AppLogger } from '../../libraries/appLogger';
import type { JobsObserver } from '../../http/metrics';
import { filterJobs } from './filter';
import type { JobQuery, JobsProvider } from './providers/provider';

export interface JobsServiceOptions {
  /** How long a result is reused, in milliseconds (0 = always ask upstream). */
  cacheTtlMs: number;
  /** Upstream timeout in milliseconds. */
  timeoutMs: number;
  /** Most queries whose results are kept (least recently used go first). */
  maxCachedQueries?: number;
  /** Told of cache hits and misses and of upstream calls (the metrics). */
  observer?: JobsObserver;
}

interface CacheEntry {
  jobs: Job[];
  fetchedAt: number;
  /** The board's answer filtered per query, so a repeated search returns the same array (sent as bytes serialized once). */
  filtered?: Map<string, Job[]>;
}

/** How many filtered views of one answer are kept (the most recent ones). */
const maxFilteredViews = 64;

/** The criteria of a query as the local filter reads them (case does not matter to it). */
const filterKey = (query: JobQuery) =>
  JSON.stringify([query.location?.toLowerCase() ?? '', query.description?.toLowerCase() ?? '', query.fullTime]);

/**
 * Job search over a provider: the board's answers are cached per upstream request (the provider's
 * `upstreamKey`: queries the board cannot tell apart share one entry and are filtered locally),
 * concurrent misses of one key share one upstream call, upstream calls time out, and a stale
 * answer is served when the board is down.
 */
export class JobsService {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly inFlight = new Map<string, Promise<Job[]>>();
  private readonly shutdown = new AbortController();
  /** The keys of each query object: a repeated search hands the same (frozen) one, so they are computed once. */
  private readonly keys = new WeakMap<JobQuery, { upstream: string; criteria: string }>();
  /** The most recently used cache key: using it again changes nothing in the LRU order. */
  private newestKey: string | undefined;

  constructor(
    private readonly provider: JobsProvider,
    private readonly options: JobsServiceOptions,
    private readonly logger: AppLogger,
  ) {}

  /**
   * Searches jobs.
   * @throws HttpError 502 when the board fails and no result of this query was ever cached
   */
  async search(query: JobQuery): Promise<Job[]> {
    const hit = this.cached(query);
    if (hit) return hit;
    this.options.observer?.cacheLookup('miss');
    const key = this.keysOf(query).upstream;
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = this.fetch(key, query).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    await pending;
    const entry = this.cache.get(key);
    // The entry is gone only if it was evicted meanwhile: filter the answer itself then.
    return entry ? this.filtered(entry, query) : filterJobs(await pending, query);
  }

  /**
   * The result of `query` when the cache answers it (the same array each time), undefined when the
   * board would be asked or `usable` refuses the result (then nothing is counted as a lookup).
   */
  cached(query: JobQuery, usable: (jobs: Job[]) => boolean = () => true): Job[] | undefined {
    const key = this.keysOf(query).upstream;
    const entry = this.fresh(key);
    if (!entry) return undefined;
    const found = this.filtered(entry, query);
    if (!usable(found)) return undefined;
    this.touch(key, entry);
    this.options.observer?.cacheLookup('hit');
    return found;
  }

  /** The entry's answer filtered for the query, the same array for the same criteria. */
  private filtered(entry: CacheEntry, query: JobQuery): Job[] {
    const views = (entry.filtered ??= new Map<string, Job[]>());
    const { criteria } = this.keysOf(query);
    let view = views.get(criteria);
    if (!view) {
      view = filterJobs(entry.jobs, query);
      const oldest = views.size >= maxFilteredViews ? views.keys().next().value : undefined;
      if (oldest !== undefined) views.delete(oldest);
      views.set(criteria, view);
    }
    return view;
  }

  /** Whether this search would start an upstream call (a cold search): nothing fresh cached, none in flight. */
  isCold(query: JobQuery): boolean {
    const key = this.keysOf(query).upstream;
    return !this.fresh(key) && !this.inFlight.has(key);
  }

  private keysOf(query: JobQuery): { upstream: string; criteria: string } {
    let keys = this.keys.get(query);
    if (!keys) {
      keys = { upstream: this.provider.upstreamKey(query), criteria: filterKey(query) };
      this.keys.set(query, keys);
    }
    return keys;
  }

  private fresh(key: string): CacheEntry | undefined {
    const cached = this.cache.get(key);
    return cached && Date.now() - cached.fetchedAt < this.options.cacheTtlMs ? cached : undefined;
  }

  /** Aborts upstream calls in progress (shutdown). */
  close(): void {
    this.shutdown.abort();
  }

  private async fetch(key: string, query: JobQuery): Promise<Job[]> {
    try {
      const signal = AbortSignal.any([AbortSignal.timeout(this.options.timeoutMs), this.shutdown.signal]);
      // Filtered by the caller: this answer serves every query with the same upstream key.
      const jobs = await raceAbort(this.provider.search(query, signal), signal);
      this.options.observer?.upstreamCall('ok');
      this.touch(key, { jobs, fetchedAt: Date.now() });
      return jobs;
    } catch (error) {
      this.options.observer?.upstreamCall('error');
      const stale = this.cache.get(key);
      const reason = messageOf(error);
      if (stale) {
        this.logger.warn(`Serving a cached result: ${reason}`);
        return stale.jobs;
      }
      this.logger.warn(`Job search failed: ${reason}`);
      // The reason names the board's host: it stays in the log.
      throw badGateway(
        `The job board (${this.provider.name}) is unavailable and no cached result exists; try again later.`,
      );
    }
  }

  private touch(key: string, entry: CacheEntry): void {
    if (key === this.newestKey && this.cache.get(key) === entry) return;
    this.cache.delete(key);
    this.cache.set(key, entry);
    this.newestKey = key;
    const max = this.options.maxCachedQueries ?? 500;
    for (const oldest of this.cache.keys()) {
      if (this.cache.size <= max) break;
      this.cache.delete(oldest);
    }
  }
}

/** Rejects when `signal` aborts, even if the provider ignores it. */
function raceAbort<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error && reason.name === 'TimeoutError') return new Error('The job board timed out.');
  return reason instanceof Error ? reason : new Error('The search was aborted.');
}
