import type { Job } from '../../../client/types';
import { fetchJson } from './upstream';
import { isoDate, jobType, recordsOf, str, urlOrNull } from './normalize';
import type { JobsProvider } from './provider';

/**
 * Any GitHub-Jobs-compatible `positions.json`: `description`, `location` and `full_time` are
 * passed through as query parameters; the answer is already a `Job[]`, tidied up here.
 */
export function createGithubProvider(endpoint: URL): JobsProvider {
  return {
    name: 'github',
    upstreamKey: (query) =>
      JSON.stringify([
        'github',
        query.description?.toLowerCase() ?? '',
        query.location?.toLowerCase() ?? '',
        query.fullTime,
      ]),
    async search(query, signal) {
      const url = new URL(endpoint);
      if (query.description) url.searchParams.set('description', query.description);
      if (query.location) url.searchParams.set('location', query.location);
      if (query.fullTime) url.searchParams.set('full_time', 'true');
      const records = recordsOf(await fetchJson(url, signal), () => undefined, 'github');
      return records.map((record): Job => ({
        id: str(record.id),
        type: jobType(str(record.type)),
        url: str(record.url),
        created_at: isoDate(record.created_at),
        company: str(record.company),
        company_url: urlOrNull(record.company_url),
        location: str(record.location),
        title: str(record.title),
        description: str(record.description),
        how_to_apply: str(record.how_to_apply),
        company_logo: urlOrNull(record.company_logo),
      }));
    },
  };
}
