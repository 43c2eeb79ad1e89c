import { Router } from 'express';
import type { Job } from '../../client/types';
import { dependency } from '../../libraries/dependencies';
import { valid } from '../../libraries/validate';
import { searchQuerySchema } from './jobs.schemas';
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
  router.get('/', searchValidation, async (req, res) => {
    const jobs: Job[] = await dependency(req.app, 'jobsService').search(valid(res, 'query', searchQuerySchema));
    await dependency(req.app, 'dataLogger').save(jobs);
    res.json(jobs);
  });
  return router;
}
