import type { Job } from '../../client/types';
import type { JobQuery } from './providers/provider';

const contains = (text: string | null | undefined, needle: string) => (text ?? '').toLowerCase().includes(needle);

/**
 * Applies a query to jobs, as GitHub Jobs did: `location` is a case-insensitive substring of
 * the job's location, `description` of its title, company or description, and `fullTime` keeps
 * only `Full Time` jobs.
 */
export function filterJobs(jobs: readonly Job[], query: JobQuery): Job[] {
  const location = query.location?.toLowerCase();
  const description = query.description?.toLowerCase();
  return jobs.filter(
    (job) =>
      (!query.fullTime || job.type === 'Full Time') &&
      (location === undefined || contains(job.location, location)) &&
      (description === undefined ||
        contains(job.title, description) ||
        contains(job.company, description) ||
        contains(job.description, description)),
  );
}
