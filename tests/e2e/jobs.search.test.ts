import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, jobTypes, type Job, type NodeJobsClient } from '../../client';
import { startTestServer, type TestServer } from '../harness/testServer';
import { jobKeys } from '../harness/jobs';
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
    expect(Object.keys(job).sort()).toEqual(jobKeys);
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
    // An upstream timeout no answer of the local board comes near, however busy the machine: the
    // tests about timeouts hold the board instead, on a server of their own.
    server = await startTestServer({ jobs_provider: 'github', jobs_api_url: githubUrl(), jobs_timeout_ms: 60_000 });
    client = server.client();
  });
  afterAll(async () => {
    upstream.fault(undefined);
    await server.stop();
  });

  /** Resolves once the server has received `count` more HTTP requests (so each has reached its handler). */
  function requestsReceived(count: number): Promise<void> {
    return new Promise((resolve) => {
      let seen = 0;
      const onRequest = () => {
        if (++seen < count) return;
        server.server.httpServer.off('request', onRequest);
        resolve();
      };
      server.server.httpServer.on('request', onRequest);
    });
  }

  /**
   * A server whose board times out after `jobs_timeout_ms`, with the cache primed for `query` if
   * given (retried, since a busy machine may time the priming search out too).
   */
  async function startTimingOutServer(query?: { location: string }): Promise<{ server: TestServer; primed: Job[] }> {
    const timingOut = await startTestServer({
      jobs_provider: 'github',
      jobs_api_url: githubUrl(),
      jobs_timeout_ms: 1000,
      jobs_cache_ttl_s: 0,
    });
    let primed: Job[] = [];
    if (query) {
      await waitUntil(
        async () => {
          primed = await timingOut
            .client()
            .jobs.search(query)
            .catch(() => []);
          return primed.length > 0;
        },
        20_000,
        'a search that primes the cache',
      );
    }
    return { server: timingOut, primed };
  }

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
    const hold = upstream.hold();
    try {
      const received = requestsReceived(100);
      const searches = Promise.all(Array.from({ length: 100 }, () => client.jobs.search({ description: 'engineer' })));
      // Every search is in the server while the board has not answered the first one yet.
      await Promise.all([received, hold.arrived(1)]);
      hold.release();
      const results = await searches;
      expect(upstream.requests.length - before).toBe(1);
      expect(results[0]!.length).toBeGreaterThan(0);
      for (const result of results) expect(result).toEqual(results[0]);
    } finally {
      hold.release();
    }
  });

  it('leaves data_file valid JSON equal to one result after 100 concurrent different searches', async () => {
    // The offline data set: 100 job titles whose results are known and all differ.
    const sample = await startTestServer({ jobs_provider: 'sample' });
    try {
      const sampleClient = sample.client();
      const all = await sampleClient.jobs.search();
      const titles = [...new Set(all.map((job) => job.title))].slice(0, 100);
      expect(titles).toHaveLength(100);
      const matches = (text: string | null, needle: string) =>
        (text ?? '').toLowerCase().includes(needle.toLowerCase());
      const expected = titles.map((title) =>
        all.filter(
          (job) => matches(job.title, title) || matches(job.company, title) || matches(job.description, title),
        ),
      );
      const results = await Promise.all(titles.map((title) => sampleClient.jobs.search({ description: title })));
      expect(results).toEqual(expected);
      expect(new Set(results.map((result) => JSON.stringify(result))).size).toBe(100);
      const saved = await readDataFile(sample);
      expect(results.some((result) => JSON.stringify(result) === JSON.stringify(saved))).toBe(true);
    } finally {
      await sample.stop();
    }
  });

  it('serves the cached result when the board times out', async () => {
    // A second server with the same board and a zero cache lifetime must ask upstream again.
    const { server: noCache, primed } = await startTimingOutServer({ location: 'berlin' });
    expect(primed).toEqual(await client.jobs.search({ location: 'berlin' }));
    const hold = upstream.hold();
    try {
      // The board answers nothing until released, so only the timeout can end this search.
      const search = noCache.client().jobs.search({ location: 'berlin' });
      await hold.arrived(1);
      expect(await search).toEqual(primed);
    } finally {
      hold.release();
      await noCache.stop();
    }
  });

  it('answers 502 when the board times out and nothing is cached, while the board still holds the answer', async () => {
    const { server: timingOut } = await startTimingOutServer();
    const hold = upstream.hold();
    try {
      const error = await timingOut
        .client()
        .jobs.search({ location: 'nowhere-timeout' })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ApiError);
      expect((error as ApiError).status).toBe(502);
      // The reason (a timeout: the board got the request and held it) stays in the log, not the body.
      expect((error as ApiError).message).toBe(
        'The job board (github) is unavailable and no cached result exists; try again later.',
      );
      await hold.arrived(1);
    } finally {
      hold.release();
      await timingOut.stop();
    }
  });

  it('answers 502 when the board fails and nothing is cached, and keeps serving', async () => {
    for (const fault of [
      { status: 500 },
      { hangUp: true },
      { body: '<html>oops</html>' },
      { body: '{"unexpected":true}' },
    ]) {
      upstream.fault(fault);
      const error = await client.jobs.search({ location: `nowhere-${JSON.stringify(fault)}` }).catch((e: unknown) => e);
      expect(error, JSON.stringify(fault)).toBeInstanceOf(ApiError);
      expect((error as ApiError).status).toBe(502);
      expect((error as ApiError).message).toMatch(/job board/i);
    }
    upstream.fault(undefined);
    expect((await client.jobs.search({ location: 'berlin' })).length).toBeGreaterThan(0);
  });

  it('writes a log line for each request', async () => {
    const marker = `marker${Date.now()}`;
    await client.jobs.search({ description: marker });
    await fetch(`${server.server.url}/?full_time=nope&description=${marker}`);
    await waitUntil(
      async () =>
        (await readFile(server.config.log_file, 'utf8').catch(() => ''))
          .split('\n')
          .filter((line) => line.includes(marker)).length === 2,
      15_000,
      'two log lines',
    );
    const lines = (await readFile(server.config.log_file, 'utf8')).split('\n').filter((line) => line.includes(marker));
    expect(lines[0]).toMatch(
      new RegExp(`^\\d{4}-\\d{2}-\\d{2}T[\\d:.]+Z GET /\\?description=${marker} 200 [\\d.]+ms$`),
    );
    expect(lines[1]).toMatch(/ GET \/\?full_time=nope.* 422 [\d.]+ms$/);
  });
});
