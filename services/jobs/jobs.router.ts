import { Router } from 'express';
import { z } from 'zod';
import type { Job } from '../../client/types';
import { dependency } from '../../libraries/dependencies';
import { docs } from '../../libraries/openapi';
import { valid } from '../../libraries/validate';
import { jobSchema, searchQuerySchema } from './jobs.schemas';
import { searchValidation } from './middlewares/jobs.validation.search';
import type { JobsService } from './jobs.service';

declare module '../../libraries/dependencies' {
  interface Dependencies {
    jobsService: JobsService;
  }
}

/** `GET /`: searches jobs and saves the result to `data_file`. */
export function createJobsRouter(): Router {
  const router = Router();
  router.get(
    '/',
    docs({
      summary: 'Search jobs',
      description: 'Searches the configured job board; the result is cached per query and saved to `data_file`.',
      tag: 'jobs',
      responses: { 200: { description: 'The matching jobs.', schema: z.array(jobSchema) }, 422: 'A bad query value or an unknown parameter.', 502: 'The job board is down and nothing is cached for this query.' },
    }),
    searchValidation,
    async (req, res) => {
      const jobs: Job[] = await dependency(req.app, 'jobsService').search(valid(res, 'query', searchQuerySchema));
      await dependency(req.app, 'dataLogger').save(jobs);
      res.json(jobs);
    },
  );
  return router;
}
