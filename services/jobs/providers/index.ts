import type { Config } from '../../../config/schema';
import type { JobsProvider } from './provider';
import { createSampleProvider } from './sample';
import { createGithubProvider } from './github';
import { createArbeitnowProvider } from './arbeitnow';
import { createRemotiveProvider } from './remotive';

/** Default upstream URLs of the public boards (`jobs_api_url` overrides them). */
export const defaultProviderUrls = {
  arbeitnow: 'https://www.arbeitnow.com/api/job-board-api',
  remotive: 'https://remotive.com/api/remote-jobs',
} as const;

/** Creates the provider `jobs_provider` names. */
export function createProvider(config: Config): JobsProvider {
  switch (config.jobs_provider) {
    case 'sample':
      return createSampleProvider();
    case 'github':
      // parseConfig guarantees jobs_api_url for github.
      return createGithubProvider(new URL(config.jobs_api_url!));
    case 'arbeitnow':
      return createArbeitnowProvider(new URL(config.jobs_api_url ?? defaultProviderUrls.arbeitnow));
    case 'remotive':
      return createRemotiveProvider(new URL(config.jobs_api_url ?? defaultProviderUrls.remotive));
  }
}
