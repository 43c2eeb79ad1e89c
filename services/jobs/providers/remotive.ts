import type { Job } from '../../../client/types';
import { fetchJson } from './upstream';
import { escapeHtml } from '../../../http/html';
import { isoDate, jobType, recordsOf, str, urlOrNull } from './normalize';
import type { JobsProvider } from './provider';

/** `publication_date` is UTC without an offset (`2020-02-15T10:23:26`), which `Date` would read as local time. */
/**
 * Remotive's public API (`{ "0-legal-notice", "job-count", jobs: [...] }`). The query's
 * `description` is sent as `search` (title and description); location and full-time are left
 * to `filterJobs`. Its terms ask for a link back to Remotive, which `how_to_apply` carries.
 */
export function createRemotiveProvider(endpoint: URL): JobsProvider {
  return {
    name: 'remotive',
    // Only `search` is sent; location and full-time are filtered here.
    upstreamKey: (query) => JSON.stringify(['remotive', query.description?.toLowerCase() ?? '']),
    async search(query, signal) {
      const url = new URL(endpoint);
      if (query.description) url.searchParams.set('search', query.description);
      const records = recordsOf(await fetchJson(url, signal), (body) => body.jobs, 'remotive');
      return records.map((record): Job => {
        const jobUrl = str(record.url);
        return {
          id: str(record.id),
          type: jobType(str(record.job_type)),
          url: jobUrl,
          created_at: isoDate(record.publication_date),
          company: str(record.company_name),
          company_url: null,
          location: str(record.candidate_required_location),
          title: str(record.title),
          description: str(record.description),
          how_to_apply: `<p>Apply on Remotive: <a href="${escapeHtml(jobUrl)}">${escapeHtml(jobUrl)}</a></p>`,
          company_logo: urlOrNull(record.company_logo),
        };
      });
    },
  };
}
