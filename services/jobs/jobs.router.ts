import { z } from 'zod';
import type { Job } from '../../client/types';
import { JsonBytesCache } from '../../http/cachedJson';
import { DocumentedRouter } from '../../http/openapi';
import { valid } from '../../http/validate';
import type { DataLogger } from '../../libraries/dataLogger';
import { jobSchema, searchQuerySchema } from './jobs.schemas';
import { searchValidation } from './middlewares/jobs.validation.search';
import type { JobsService } from './jobs.service';

export interface JobsRouterDependencies {
  jobs: JobsService;
  dataLogger: DataLogger;
}

/** `GET /`: searches jobs and saves the result to `data_file`. */
export function createJobsRouter({ jobs, dataLogger }: JobsRouterDependencies): DocumentedRouter {
  // A cached result is the same array on every hit: serialized and hashed once per cache entry.
  const responses = new JsonBytesCache();
  return new DocumentedRouter().get(
    '/',
    {
      summary: 'Search jobs',
      description: 'Searches the configured job board; the result is cached per query and saved to `data_file`.',
      tag: 'jobs',
      responses: { 200: { description: 'The matching jobs.', schema: z.array(jobSchema), headers: { ETag: 'The same for the same result; send it in `If-None-Match` to get a 304.' } }, 304: 'The result is the one named in `If-None-Match`.', 422: 'A bad query value or an unknown parameter.', 502: 'The job board is down and nothing is cached for this query.' },
    },
    searchValidation,
    async (req, res) => {
      const found: Job[] = await jobs.search(valid(res, 'query', searchQuerySchema));
      await dataLogger.save(found);
      responses.send(req, res, found);
    },
  );
}
