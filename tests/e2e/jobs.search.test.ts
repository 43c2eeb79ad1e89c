import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, jobTypes, type Job, type NodeJobsClient } from '../../client';
import { startTestServer, type TestServer } from '../harness/testServer';
import { startUpstream, type Upstream } from '../harness/upstream';
import { waitUntil } from '../../devtools/localStack';

let upstream: Upstream;
beforeAll(async () => {
  upstream = await startUpstream();
});
afterAll(async () => {
  await upstream.close();
});

function expectWellFormed(jobs: Job[]) {
  expect(jobs.length).toBeGreaterThan(0);
  for (const job of jobs) {
    expect(Object.keys(job).sort()).toEqual(
      ['company', 'company_logo', 'company_url', 'created_at', 'description', 'how_to_apply', 'id', 'location', 'title', 'type', 'url'].sort(),
    );
    expect(jobTypes).toContain(job.type);
    expect(Number.isNaN(Date.parse(job.created_at))).toBe(false);
    expect(job.id).not.toBe('');
  }
}

async function readDataFile(server: TestServer): Promise<unknown> {
  return JSON.parse(await readFile(server.config.data_file, 'utf8'));
}

const providers = [
  { provider: 'sample', path: undefined },
  { provider: 'github', path: '/github/positions.json' },
  { provider: 'arbeitnow', path: '/arbeitnow/api/job-board-api' },
  { provider: 'remotive', path: '/remotive/api/remote-jobs' },
] as const;

describe.each(providers)('GET / with the $provider provider', ({ provider, path }) => {
  let server: TestServer;
  let client: NodeJobsClient;
  beforeAll(async () => {
    server = await startTestServer({ jobs_provider: provider, ...(path ? { jobs_api_url: upstream.url + path } : {}) });
    client = server.client();
  });
  afterAll(async () => {
    await server.stop();
  });

  it('returns normalized jobs and saves them to data_file', async () => {
    const jobs = await client.jobs.search();
    expectWellFormed(jobs);
    expect(await readDataFile(server)).toEqual(jobs);
  });

  it('filters by location and full time', async () => {
    const all = await client.jobs.search();
    const berlinFullTime = await client.jobs.search({ location: 'berlin', full_time: true });
    expect(berlinFullTime.length).toBeGreaterThan(0);
    expect(berlinFullTime.length).toBeLessThan(all.length);
    for (const job of berlinFullTime) {
      expect(job.location.toLowerCase()).toContain('berlin');
      expect(job.type).toBe('Full Time');
    }
    const berlin = await client.jobs.search({ location: 'Berlin' });
    expect(berlin.length).toBeGreaterThan(berlinFullTime.length);
    expect(await readDataFile(server)).toEqual(berlin);
  });
});

describe('GET / input, caching and faults', () => {
  let server: TestServer;
  let client: NodeJobsClient;
  const githubUrl = () => upstream.url + '/github/positions.json';
  beforeAll(async () => {
    server = await startTestServer({ jobs_provider: 'github', jobs_api_url: githubUrl(), jobs_timeout_ms: 300 });
    client = server.client();
  });
  afterAll(async () => {
    upstream.fault(undefined);
    await server.stop();
  });

  it('answers 422 for a bad query value or an unknown parameter', async () => {
    const http = server.client();
    for (const query of ['?full_time=maybe', '?location=' + 'x'.repeat(201), '?location=a&location=b', '?page=2']) {
      const response = await fetch(server.server.url + '/' + query);
      expect(response.status, query).toBe(422);
      const body = (await response.json()) as { hasError: number; error: string };
      expect(body.hasError).toBe(1);
      expect(body.error.length).toBeGreaterThan(5);
    }
    await expect(http.jobs.search({ location: 'x'.repeat(300) })).rejects.toMatchObject({ status: 422 });
  });

  it('passes the query through to a GitHub-Jobs-compatible board', async () => {
    const before = upstream.requests.length;
    await client.jobs.search({ location: 'Amsterdam', description: 'node', full_time: true });
    const request = upstream.requests.at(-1)!;
    expect(upstream.requests.length).toBe(before + 1);
    expect(request.searchParams.get('location')).toBe('Amsterdam');
    expect(request.searchParams.get('description')).toBe('node');
    expect(request.searchParams.get('full_time')).toBe('true');
  });

  it('makes one upstream call for 100 concurrent identical searches', async () => {
    const before = upstream.requests.length;
    upstream.fault({ delayMs: 100 });
    const results = await Promise.all(Array.from({ length: 100 }, () => client.jobs.search({ description: 'concurrent' })));
    upstream.fault(undefined);
    expect(upstream.requests.length - before).toBe(1);
    for (const result of results) expect(result).toEqual(results[0]);
  });

  it('leaves data_file valid JSON equal to one result after 100 concurrent different searches', async () => {
    const queries = Array.from({ length: 100 }, (_, i) => ({ description: `q${i}`, location: i % 2 ? 'Berlin' : undefined }));
    const results = await Promise.all(queries.map((query) => client.jobs.search(query)));
    const saved = await readDataFile(server);
    expect(results.some((result) => JSON.stringify(result) === JSON.stringify(saved))).toBe(true);
  });

  it('serves the cached result when the board times out', async () => {
    const fresh = await client.jobs.search({ location: 'berlin' });
    // A second server with the same board and a zero cache lifetime must ask upstream again.
    const noCache = await startTestServer({ jobs_provider: 'github', jobs_api_url: githubUrl(), jobs_timeout_ms: 300, jobs_cache_ttl_s: 0 });
    try {
      const noCacheClient = noCache.client();
      const first = await noCacheClient.jobs.search({ location: 'berlin' });
      expect(first).toEqual(fresh);
      upstream.fault({ delayMs: 2000 });
      const started = Date.now();
      expect(await noCacheClient.jobs.search({ location: 'berlin' })).toEqual(first);
      expect(Date.now() - started).toBeLessThan(300 + 700);
    } finally {
      upstream.fault(undefined);
      await noCache.stop();
    }
  });

  it('answers 502 within the timeout when the board fails and nothing is cached, and keeps serving', async () => {
    for (const fault of [{ delayMs: 2000 }, { status: 500 }, { hangUp: true }, { body: '<html>oops</html>' }, { body: '{"unexpected":true}' }]) {
      upstream.fault(fault);
      const started = Date.now();
      const error = await client.jobs.search({ location: `nowhere-${JSON.stringify(fault)}` }).catch((e: unknown) => e);
      expect(error, JSON.stringify(fault)).toBeInstanceOf(ApiError);
      expect((error as ApiError).status).toBe(502);
      expect((error as ApiError).message).toMatch(/job board/i);
      expect(Date.now() - started).toBeLessThan(300 + 700);
    }
    upstream.fault(undefined);
    expect((await client.jobs.search({ location: 'berlin' })).length).toBeGreaterThan(0);
  });

  it('writes a log line for each request', async () => {
    const marker = `marker${Date.now()}`;
    await client.jobs.search({ description: marker });
    await fetch(`${server.server.url}/?full_time=nope&description=${marker}`);
    await waitUntil(
      async () => (await readFile(server.config.log_file, 'utf8').catch(() => '')).split('\n').filter((line) => line.includes(marker)).length === 2,
      5000,
      'two log lines',
    );
    const lines = (await readFile(server.config.log_file, 'utf8')).split('\n').filter((line) => line.includes(marker));
    expect(lines[0]).toMatch(new RegExp(`^\\d{4}-\\d{2}-\\d{2}T[\\d:.]+Z GET /\\?description=${marker} 200 [\\d.]+ms$`));
    expect(lines[1]).toMatch(/ GET \/\?full_time=nope.* 422 [\d.]+ms$/);
  });
});
