import { z } from 'zod';
import type { Job } from '../../client/types';
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
  return new DocumentedRouter().get(
    '/',
    {
      summary: 'Search jobs',
      description: 'Searches the configured job board; the result is cached per query and saved to `data_file`.',
      tag: 'jobs',
      responses: { 200: { description: 'The matching jobs.', schema: z.array(jobSchema) }, 422: 'A bad query value or an unknown parameter.', 502: 'The job board is down and nothing is cached for this query.' },
    },
    searchValidation,
    async (_req, res) => {
      const found: Job[] = await jobs.search(valid(res, 'query', searchQuerySchema));
      await dataLogger.save(found);
      res.json(found);
    },
  );
}
