import type { Job } from '../../../client/types';

/** A validated, normalized search: trimmed strings, `undefined` for "any". */
export interface JobQuery {
  location?: string;
  description?: string;
  fullTime: boolean;
}

/** A job board behind one interface. */
export interface JobsProvider {
  readonly name: string;
  /**
   * What the board is actually asked for this query (the parameters it receives, ignoring case):
   * queries with the same key get the same answer, so they share one upstream call and one cache
   * entry, and are filtered locally. A board that takes no parameters has a single key.
   */
  upstreamKey(query: JobQuery): string;
  /**
   * Fetches the jobs of a query, normalized to `Job`. Providers whose board lacks a filter leave
   * it to `filterJobs`, which the service applies to every result.
   * @param signal aborts the upstream call (timeout or shutdown)
   * @throws UpstreamError when the board is unreachable or answers badly
   */
  search(query: JobQuery, signal: AbortSignal): Promise<Job[]>;
}

/** The job board failed: unreachable, timed out, or answered something unusable. */
export class UpstreamError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UpstreamError';
  }
}
