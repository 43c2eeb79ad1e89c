import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { jobTypes, type Job } from '../../client/types';
import { filterJobs } from '../../services/jobs/filter';
import { createArbeitnowProvider } from '../../services/jobs/providers/arbeitnow';
import { createGithubProvider } from '../../services/jobs/providers/github';
import { UpstreamError, type JobQuery, type JobsProvider } from '../../services/jobs/providers/provider';
import { createRemotiveProvider } from '../../services/jobs/providers/remotive';
import { startUpstream, type Upstream } from '../harness/upstream';
import { jobKeys } from '../harness/jobs';

const anyQuery: JobQuery = { fullTime: false };
function fixture(name: string): unknown {
  return JSON.parse(readFileSync(fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url)), 'utf8'));
}

function postingCount(body: unknown, key?: string): number {
  const records = key === undefined ? body : (body as Record<string, unknown>)[key];
  if (!Array.isArray(records)) throw new Error(`fixture without a ${key ?? 'top-level'} array`);
  return records.length;
}

const isHttpUrl = (value: string) => /^https?:\/\//.test(value) && URL.canParse(value);

function expectWellFormed(job: Job): void {
  expect(Object.keys(job).sort()).toEqual(jobKeys);
  expect(job.id).toMatch(/\S/);
  expect(jobTypes).toContain(job.type);
  expect(isHttpUrl(job.url), job.url).toBe(true);
  expect(job.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/);
  expect(Date.parse(job.created_at)).toBeGreaterThan(Date.parse('2000-01-01T00:00:00Z'));
  for (const field of ['company', 'location', 'title', 'description', 'how_to_apply'] as const)
    expect(typeof job[field]).toBe('string');
  expect(job.company).toMatch(/\S/);
  expect(job.title).toMatch(/\S/);
  expect(job.location).toMatch(/\S/);
  expect(job.description).toMatch(/<\w+/);
  expect(job.how_to_apply).toMatch(/<a href="/);
  for (const field of ['company_url', 'company_logo'] as const) {
    const value = job[field];
    if (value !== null) expect(isHttpUrl(value), `${field} ${value}`).toBe(true);
  }
}

describe('job board providers against recorded fixtures', () => {
  let upstream: Upstream;
  const signal = () => AbortSignal.timeout(5000);
  const boards: { name: string; create: () => JobsProvider; postings: () => number }[] = [
    {
      name: 'github',
      create: () => createGithubProvider(new URL(`${upstream.url}/github/positions.json`)),
      postings: () => postingCount(fixture('github-positions.json')),
    },
    {
      name: 'arbeitnow',
      create: () => createArbeitnowProvider(new URL(`${upstream.url}/arbeitnow/api/job-board-api`)),
      postings: () => postingCount(fixture('arbeitnow-job-board-api.json'), 'data'),
    },
    {
      name: 'remotive',
      create: () => createRemotiveProvider(new URL(`${upstream.url}/remotive/api/remote-jobs`)),
      postings: () => postingCount(fixture('remotive-remote-jobs.json'), 'jobs'),
    },
  ];

  beforeAll(async () => {
    upstream = await startUpstream();
  });

  afterAll(async () => {
    await upstream.close();
  });

  describe.each(boards)('$name', ({ name, create, postings }) => {
    it('normalizes every posting of the fixture to a well-formed Job', async () => {
      const jobs = await create().search(anyQuery, signal());
      expect(jobs).toHaveLength(postings());
      for (const job of jobs) expectWellFormed(job);
      expect(new Set(jobs.map((job) => job.id)).size).toBe(jobs.length);
      expect(create().name).toBe(name);
    });

    it('keeps at least two Berlin full-time jobs, and only those, through filterJobs', async () => {
      const jobs = await create().search(anyQuery, signal());
      const berlinFullTime = filterJobs(jobs, { location: 'berlin', fullTime: true });
      expect(berlinFullTime.length).toBeGreaterThanOrEqual(2);
      for (const job of berlinFullTime) {
        expect(job.location.toLowerCase()).toContain('berlin');
        expect(job.type).toBe('Full Time');
      }
      const berlinOther = jobs.filter(
        (job) => job.location.toLowerCase().includes('berlin') && job.type !== 'Full Time',
      );
      expect(berlinOther.length).toBeGreaterThanOrEqual(1);
      expect(berlinFullTime.length).toBe(
        jobs.filter((job) => job.location.toLowerCase().includes('berlin') && job.type === 'Full Time').length,
      );
    });

    it('rejects a body of the wrong shape with UpstreamError', async () => {
      upstream.fault({ body: '{"nope":1}' });
      try {
        await expect(create().search(anyQuery, signal())).rejects.toBeInstanceOf(UpstreamError);
      } finally {
        upstream.fault(undefined);
      }
    });

    it('rejects a 500 answer with UpstreamError', async () => {
      upstream.fault({ status: 500 });
      try {
        await expect(create().search(anyQuery, signal())).rejects.toBeInstanceOf(UpstreamError);
      } finally {
        upstream.fault(undefined);
      }
    });
  });

  describe('github', () => {
    const provider = () => createGithubProvider(new URL(`${upstream.url}/github/positions.json`));

    it('passes location, description and full_time=true through as query parameters', async () => {
      await provider().search({ location: 'Berlin', description: 'node', fullTime: true }, signal());
      const request = upstream.requests.at(-1);
      expect(request?.pathname).toBe('/github/positions.json');
      expect(request?.searchParams.get('location')).toBe('Berlin');
      expect(request?.searchParams.get('description')).toBe('node');
      expect(request?.searchParams.get('full_time')).toBe('true');
    });

    it('sends no query parameters for an empty query', async () => {
      await provider().search(anyQuery, signal());
      expect([...(upstream.requests.at(-1)?.searchParams.keys() ?? [])]).toEqual([]);
    });

    it('maps a posting field by field, reading the GitHub Jobs date format', async () => {
      const jobs = await provider().search(anyQuery, signal());
      const job = jobs.find((candidate) => candidate.id === '6ea28a01-1f07-4000-ab96-704036c17b00');
      expect(job).toMatchObject({
        type: 'Full Time',
        url: 'https://jobs.github.com/positions/6ea28a01-1f07-4000-ab96-704036c17b00',
        created_at: '2020-03-25T17:28:18.000Z',
        company: 'Kiezcode GmbH',
        company_url: 'https://kiezcode.example.com',
        location: 'Berlin',
        title: 'Senior Node.js Engineer',
      });
      expect(job?.description).toContain('<strong>senior Node.js engineer</strong>');
      expect(job?.how_to_apply).toContain('mailto:jobs@kiezcode.example.com');
      expect(job?.company_logo).toMatch(/^https:\/\/jobs\.github\.com\/rails\/active_storage\/blobs\//);
      expect(jobs.find((candidate) => candidate.company === 'Havelkraft Analytics')).toMatchObject({
        type: 'Part Time',
        company_url: null,
        company_logo: null,
      });
      expect(new Set(jobs.map((candidate) => candidate.type))).toEqual(new Set(['Full Time', 'Part Time', 'Contract']));
    });
  });

  describe('arbeitnow', () => {
    const provider = () => createArbeitnowProvider(new URL(`${upstream.url}/arbeitnow/api/job-board-api`));

    it('sends no query parameters: the board has no search, filterJobs narrows the page', async () => {
      await provider().search({ location: 'Berlin', description: 'react', fullTime: true }, signal());
      const request = upstream.requests.at(-1);
      expect(request?.pathname).toBe('/arbeitnow/api/job-board-api');
      expect([...(request?.searchParams.keys() ?? [])]).toEqual([]);
    });

    it('maps a remote Berlin posting field by field', async () => {
      const jobs = await provider().search(anyQuery, signal());
      const url =
        'https://www.arbeitnow.com/jobs/companies/spreewerk-labs/frontend-developer-react-m-w-d-berlin-412317';
      expect(jobs.find((job) => job.id === 'frontend-developer-react-m-w-d-berlin-412317')).toEqual({
        id: 'frontend-developer-react-m-w-d-berlin-412317',
        type: 'Full Time',
        url,
        created_at: '2024-05-13T15:30:02.000Z',
        company: 'Spreewerk Labs',
        company_url: null,
        location: 'Berlin (Remote)',
        title: 'Frontend Developer React (m/w/d)',
        description:
          '<p>Wir suchen eine*n Frontend Developer mit Erfahrung in React und TypeScript. Arbeite remote oder in unserem Büro in Friedrichshain.</p>',
        how_to_apply: `<p>Apply on Arbeitnow: <a href="${url}">${url}</a></p>`,
        company_logo: null,
      });
    });

    it('maps the job types and the remote flag of the board', async () => {
      const jobs = await provider().search(anyQuery, signal());
      const bySlug = new Map(jobs.map((job) => [job.id, job]));
      expect(bySlug.get('senior-backend-engineer-node-js-berlin-412300')).toMatchObject({
        type: 'Full Time',
        location: 'Berlin',
      });
      expect(bySlug.get('praktikum-data-engineering-python-berlin-412334')?.type).toBe('Internship');
      expect(bySlug.get('teilzeit-qa-engineer-berlin-412351')?.type).toBe('Part Time');
      expect(bySlug.get('freelance-react-developer-hamburg-412385')?.type).toBe('Contract');
      expect(bySlug.get('werkstudent-softwareentwicklung-m-w-d-leipzig-412453')?.type).toBe('Internship');
      expect(bySlug.get('embedded-software-engineer-stuttgart-412487')?.type).toBe('Other');
      expect(bySlug.get('it-projektmanager-m-w-d-dusseldorf-412504')?.type).toBe('Other');
      expect(bySlug.get('devops-engineer-contract-remote-412436')).toMatchObject({
        type: 'Contract',
        location: 'Remote',
      });
      expect(bySlug.get('ux-designer-in-teilzeit-potsdam-412470')?.location).toBe('Potsdam (Remote)');
    });

    it('escapes the posting link it puts in how_to_apply', async () => {
      const posting = {
        slug: 'x-1',
        company_name: 'Quote & Co',
        title: 'Dev',
        description: '<p>x</p>',
        remote: false,
        url: 'https://www.example.com/jobs?a=1&b="2"',
        tags: [],
        job_types: [],
        location: 'Berlin',
        created_at: 1715000000,
      };
      upstream.fault({ body: JSON.stringify({ data: [posting], links: {}, meta: {} }) });
      try {
        const [job] = await provider().search(anyQuery, signal());
        expect(job?.how_to_apply).toBe(
          '<p>Apply on Arbeitnow: <a href="https://www.example.com/jobs?a=1&#38;b=&#34;2&#34;">https://www.example.com/jobs?a=1&#38;b=&#34;2&#34;</a></p>',
        );
      } finally {
        upstream.fault(undefined);
      }
    });
  });

  describe('remotive', () => {
    const provider = () => createRemotiveProvider(new URL(`${upstream.url}/remotive/api/remote-jobs`));

    it('keys the upstream call by the description alone, ignoring its case', () => {
      const key = (query: JobQuery) => provider().upstreamKey(query);
      expect(key({ description: 'Node', location: 'Berlin', fullTime: true })).toBe(
        key({ description: 'nODE', fullTime: false }),
      );
      expect(key({ fullTime: false })).toBe(key({ location: 'Munich', fullTime: true }));
      expect(key({ fullTime: false })).not.toBe(key({ description: 'node', fullTime: false }));
      expect(key({ description: 'node', fullTime: false })).not.toBe(key({ description: 'rust', fullTime: false }));
    });

    it('passes the description as the search parameter, and nothing else', async () => {
      await provider().search({ location: 'Berlin', description: 'python', fullTime: true }, signal());
      const request = upstream.requests.at(-1);
      expect(request?.pathname).toBe('/remotive/api/remote-jobs');
      expect(request?.searchParams.get('search')).toBe('python');
      expect([...(request?.searchParams.keys() ?? [])]).toEqual(['search']);
      await provider().search({ location: 'Berlin', fullTime: false }, signal());
      expect(upstream.requests.at(-1)?.search).toBe('');
    });

    it('maps a posting field by field, reading publication_date as UTC', async () => {
      const jobs = await provider().search(anyQuery, signal());
      const url = 'https://remotive.com/remote-jobs/software-dev/senior-node-js-engineer-1912340';
      expect(jobs.find((job) => job.id === '1912340')).toEqual({
        id: '1912340',
        type: 'Full Time',
        url,
        created_at: '2024-05-14T10:23:26.000Z',
        company: 'Kiezcode GmbH',
        company_url: null,
        location: 'Berlin, Germany',
        title: 'Senior Node.js Engineer',
        description:
          '<p>Kiezcode is hiring a <strong>senior Node.js engineer</strong> to own our booking API. Remote within Germany, optional desk in Berlin.</p><ul><li>node, TypeScript, PostgreSQL</li><li>Nice to have: React</li></ul>',
        how_to_apply: `<p>Apply on Remotive: <a href="${url}">${url}</a></p>`,
        company_logo: 'https://remotive.com/job/1912340/logo',
      });
    });

    it('maps every job_type of the board', async () => {
      const jobs = await provider().search(anyQuery, signal());
      const byTitle = new Map(jobs.map((job) => [job.title, job.type]));
      expect(byTitle.get('Part-time Python Data Engineer')).toBe('Part Time');
      expect(byTitle.get('Backend Developer (Contract)')).toBe('Contract');
      expect(byTitle.get('Freelance Technical Writer')).toBe('Contract');
      expect(byTitle.get('Software Engineering Intern')).toBe('Internship');
      expect(byTitle.get('Community Moderator')).toBe('Other');
      expect(byTitle.get('Growth Marketer')).toBe('Other');
    });
  });
});
