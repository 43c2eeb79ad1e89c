import type { Job } from '../../../client/types';
import { fetchJson } from './upstream';
import { escapeHtml } from '../../../http/html';
import { isoDate, jobType, recordsOf, str } from './normalize';
import type { JobsProvider } from './provider';

/** Folds the `remote` flag into the location, so a `location=remote` search finds these jobs. */
function arbeitnowLocation(location: string, remote: boolean): string {
  if (!remote || /remote/i.test(location)) return location;
  return location ? `${location} (Remote)` : 'Remote';
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

/**
 * Arbeitnow's public Job Board API (`{ data: [...], links, meta }`, newest first). The board has
 * no search parameters, so one page is fetched and `filterJobs` narrows it.
 */
export function createArbeitnowProvider(endpoint: URL): JobsProvider {
  return {
    name: 'arbeitnow',
    // One page, whatever the query: every search is the same upstream call.
    upstreamKey: () => 'arbeitnow',
    async search(_query, signal) {
      const records = recordsOf(await fetchJson(new URL(endpoint), signal), (body) => body.data, 'arbeitnow');
      return records.map((record): Job => {
        const url = str(record.url);
        return {
          id: str(record.slug),
          type: jobType(...strings(record.job_types)),
          url,
          created_at: isoDate(record.created_at),
          company: str(record.company_name),
          company_url: null,
          location: arbeitnowLocation(str(record.location), record.remote === true),
          title: str(record.title),
          description: str(record.description),
          how_to_apply: `<p>Apply on Arbeitnow: <a href="${escapeHtml(url)}">${escapeHtml(url)}</a></p>`,
          company_logo: null,
        };
      });
    },
  };
}
