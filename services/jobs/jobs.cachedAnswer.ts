import type { Request, Response } from 'express';
import { JsonBytesCache } from '../../http/cachedJson';
import { answeredAs } from '../../http/openapi';
import { readsPath } from '../../http/frontDoor';
import { rawQuery, remember } from '../../http/validate';
import type { Job } from '../../client/types';
import type { LatestResult } from '../../libraries/dataLogger';
import type { JobsService } from './jobs.service';
import type { JobQuery } from './providers/provider';

/**
 * Searches the cache answers, answered before routing (`frontDoor`): a `GET /` whose query string
 * the route validated before, whose result is fresh in the cache and already saved to `data_file`,
 * is sent as the bytes serialized once — the route's own answer, without the walk through the
 * routers. Anything else (a query not seen yet, a cold or stale search, a result still to save)
 * goes to the route, which validates, rate-limits, asks the board and waits for the save.
 */
export class CachedSearchAnswers {
  /** The route's answers and these: one serialization per result. */
  readonly responses = new JsonBytesCache();
  /** The queries of recent valid query strings, as the route's schema parsed them. */
  private readonly queries = new Map<string, JobQuery>();

  constructor(private readonly deps: { jobs: JobsService; latestResult: LatestResult }) {}

  private readonly saved = (jobs: Job[]) => this.deps.latestResult.holds(jobs);

  /** Remembers the query the route validated for the query string of `url`. */
  validated(url: string, query: JobQuery): void {
    remember(this.queries, rawQuery(url), query);
  }

  /** The memory answer (see the class). */
  readonly answer = (req: Request, res: Response): boolean => {
    if (!readsPath(req, '/')) return false;
    const query = this.queries.get(rawQuery(req.url));
    if (!query) return false;
    const found = this.deps.jobs.cached(query, this.saved);
    if (!found) return false;
    answeredAs(res, '/');
    this.responses.send(req, res, found);
    return true;
  };
}
