import type { Job } from '../../client/types';

/** Every field of a job, sorted: what `Object.keys(job).sort()` of any job must equal. */
export const jobKeys: readonly (keyof Job)[] = [
  'company',
  'company_logo',
  'company_url',
  'created_at',
  'description',
  'how_to_apply',
  'id',
  'location',
  'title',
  'type',
  'url',
];

/** A plain full-time job in Berlin with this id; `fields` override any field. */
export function fakeJob(id: string, fields: Partial<Job> = {}): Job {
  return {
    id,
    type: 'Full Time',
    url: `https://jobs.example.com/${id}`,
    created_at: '2026-11-01T00:00:00.000Z',
    company: 'Example GmbH',
    company_url: null,
    location: 'Berlin',
    title: 'Engineer',
    description: '<p>Build things.</p>',
    how_to_apply: '<p>Apply</p>',
    company_logo: null,
    ...fields,
  };
}

/** `count` jobs with ids `<tag>-<i>`, each with a 2 kB description, so that a saved file is large. */
export function fakeJobs(count: number, tag: string): Job[] {
  return Array.from({ length: count }, (_, i) =>
    fakeJob(`${tag}-${i}`, {
      url: `https://jobs.example.com/${tag}/${i}`,
      company: 'Example',
      title: `Engineer ${i}`,
      description: '<p>' + 'x'.repeat(2000) + '</p>',
    }),
  );
}
