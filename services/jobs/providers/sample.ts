import { readFile } from 'node:fs/promises';
import type { Job } from '../../../client/types';
import { packageFile } from '../../../libraries/packageFile';
import type { JobsProvider } from './provider';

/**
 * The offline data set shipped with the package (`data/sample-jobs.json`): the default
 * provider, so the server works with no network. Filtering is left to the service.
 */
export function createSampleProvider(file = packageFile('data/sample-jobs.json')): JobsProvider {
  let jobs: Promise<Job[]> | undefined;
  return {
    name: 'sample',
    upstreamKey: () => 'sample',
    search() {
      jobs ??= readFile(file, 'utf8').then((text) => JSON.parse(text) as Job[]);
      return jobs;
    },
  };
}
