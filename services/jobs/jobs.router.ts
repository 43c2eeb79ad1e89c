import { z } from 'zod';
import type { Job } from '../../client/types';
import { DocumentedRouter, withInput, type RouteDocs } from '../../http/openapi';
import type { RateLimiter } from '../../http/rateLimit';
import type { LatestResult } from '../../libraries/dataLogger';
import type { CachedSearchAnswers } from './jobs.cachedAnswer';
import { jobSchema, searchQuerySchema } from './jobs.schemas';
import type { JobsService } from './jobs.service';
import type { JobQuery } from './providers/provider';

export interface JobsRouterDependencies {
  jobs: JobsService;
  latestResult: LatestResult;
  rateLimiter: RateLimiter;
  /** Answers the repeated searches before routing; told of each query the route validates. */
  cachedSearches: CachedSearchAnswers;
}

const searchDocs: RouteDocs = {
  summary: 'Search jobs',
  description:
    'Searches the configured job board; the result is cached per query and saved to `data_file` (a file that cannot be written, a full disk, fails no search).',
  tag: 'jobs',
  responses: {
    200: {
      description: 'The matching jobs.',
      schema: z.array(jobSchema),
      headers: { ETag: 'The same for the same result; send it in `If-None-Match` to get a 304.' },
    },
    304: 'The result is the one named in `If-None-Match`.',
    422: 'A bad query value or an unknown parameter.',
    429: 'Too many searches the cache cannot answer from this address (`rate_limit_search` per window).',
    502: 'The job board is down and nothing is cached for this query.',
  },
};

/** The counter of cold searches per client address (`rate_limit_search`), shared by `GET /` and the sockets' `jobRequest`. */
export const coldSearchCounter = 'search';

/** `GET /`: searches jobs and saves the result to `data_file`. */
export function createJobsRouter({
  jobs,
  latestResult,
  rateLimiter,
  cachedSearches,
}: JobsRouterDependencies): DocumentedRouter {
  const searchLimit = rateLimiter.limit(coldSearchCounter, 'rate_limit_search');
  // Only a search that would ask the board counts: cached answers cost nothing upstream.
  const coldSearchLimit = withInput<{ query: JobQuery }>(({ query }, req, res, next) => {
    if (!jobs.isCold(query)) return next();
    return searchLimit(req, res, next);
  });
  return new DocumentedRouter().get(
    '/',
    { docs: searchDocs, schemas: { query: searchQuerySchema } },
    coldSearchLimit,
    async ({ query }, req, res) => {
      cachedSearches.validated(req.originalUrl, query);
      const found: Job[] = await jobs.search(query);
      await latestResult.save(found);
      // A repeated search is the same array (see JobsService): serialized and hashed once per result.
      cachedSearches.responses.send(req, res, found);
    },
  );
}
