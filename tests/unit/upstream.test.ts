import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../config/schema';
import { freePort } from '../../devtools/localStack';
import { createProvider, defaultProviderUrls } from '../../services/jobs/providers';
import { UpstreamError } from '../../services/jobs/providers/provider';
import { createSampleProvider } from '../../services/jobs/providers/sample';
import { fetchJson } from '../../services/jobs/providers/upstream';

let server: Server;
let base: string;
let host: string;
const received: IncomingHttpHeaders[] = [];
let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end('[]');

beforeAll(async () => {
  server = createServer((req, res) => {
    received.push(req.headers);
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  base = `http://${host}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const signal = () => AbortSignal.timeout(5000);

describe('fetchJson', () => {
  it('GETs JSON, asking for JSON as node-jobs', async () => {
    handler = (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"jobs":[1]}');
    expect(await fetchJson(new URL(`${base}/x`), signal())).toEqual({ jobs: [1] });
    expect(received.at(-1)).toMatchObject({ accept: 'application/json', 'user-agent': 'node-jobs' });
  });

  it('names the status of an answer that is not 2xx', async () => {
    handler = (_req, res) => res.writeHead(503).end('<h1>down</h1>');
    await expect(fetchJson(new URL(`${base}/x`), signal())).rejects.toThrow(
      new UpstreamError(`The job board answered 503 (${host}).`),
    );
  });

  it('names a body that is not JSON', async () => {
    handler = (_req, res) => res.writeHead(200).end('<html>');
    const error = await fetchJson(new URL(`${base}/x`), signal()).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({
      name: 'UpstreamError',
      message: `The job board sent a body that is not JSON (${host}).`,
      cause: expect.any(SyntaxError),
    });
  });

  it('tells an unreachable board from one that timed out', async () => {
    const port = await freePort();
    const error = await fetchJson(new URL(`http://127.0.0.1:${port}/x`), signal()).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({
      message: `The job board is unreachable (127.0.0.1:${port}).`,
      cause: expect.any(Error),
    });

    handler = () => undefined; // never answers
    await expect(fetchJson(new URL(`${base}/slow`), AbortSignal.timeout(50))).rejects.toThrow(
      new UpstreamError(`The job board timed out (${host}).`),
    );
  });
});

describe('createProvider', () => {
  const config = (jobs_provider: Config['jobs_provider'], jobs_api_url?: string) =>
    ({ jobs_provider, jobs_api_url }) as Config;
  const aborted = () => AbortSignal.abort();

  it('creates the sample provider, serving the bundled 240 jobs', async () => {
    const provider = createProvider(config('sample'));
    expect(provider.name).toBe('sample');
    expect(await provider.search({ fullTime: false }, signal())).toHaveLength(240);
  });

  it('creates each board against jobs_api_url', async () => {
    handler = (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('[]');
    for (const name of ['github', 'arbeitnow', 'remotive'] as const) {
      const provider = createProvider(config(name, `${base}/${name}`));
      expect(provider.name).toBe(name);
      const body = name === 'github' ? '[]' : name === 'arbeitnow' ? '{"data":[]}' : '{"jobs":[]}';
      handler = (_req, res) => res.writeHead(200).end(body);
      expect(await provider.search({ fullTime: false }, signal())).toEqual([]);
    }
  });

  it('names the board whose answer has the wrong shape', async () => {
    handler = (_req, res) => res.writeHead(200).end('{"unexpected":true}');
    for (const name of ['github', 'arbeitnow', 'remotive'] as const) {
      await expect(
        createProvider(config(name, `${base}/${name}`)).search({ fullTime: false }, signal()),
      ).rejects.toThrow(new UpstreamError(`The job board (${name}) answered in an unexpected format.`));
    }
  });

  it('reads an arbeitnow posting whose job_types is not a list as type Other', async () => {
    const posting = {
      slug: 's-1',
      company_name: 'C',
      title: 'T',
      description: '<p>d</p>',
      remote: false,
      url: 'https://example.com/s-1',
      tags: [],
      job_types: 'full time',
      location: 'Berlin',
      created_at: 1715000000,
    };
    handler = (_req, res) => res.writeHead(200).end(JSON.stringify({ data: [posting] }));
    const [job] = await createProvider(config('arbeitnow', `${base}/arbeitnow`)).search({ fullTime: false }, signal());
    expect(job).toMatchObject({ id: 's-1', type: 'Other', location: 'Berlin' });
  });

  it('reads only the text entries of an arbeitnow job_types list', async () => {
    const posting = { slug: 's-2', job_types: [['contract'], { type: 'intern' }, 7, 'full time'], location: 'Berlin' };
    handler = (_req, res) => res.writeHead(200).end(JSON.stringify({ data: [posting] }));
    const [job] = await createProvider(config('arbeitnow', `${base}/arbeitnow`)).search({ fullTime: false }, signal());
    expect(job).toMatchObject({ id: 's-2', type: 'Full Time' });
  });

  it('names the status of a 304 answer, which has no body', async () => {
    handler = (_req, res) => res.writeHead(304).end();
    await expect(fetchJson(new URL(`${base}/x`), signal())).rejects.toThrow(
      new UpstreamError(`The job board answered 304 (${host}).`),
    );
  });

  it("falls back to each public board's URL (no request is made: the signal is already aborted)", async () => {
    expect(defaultProviderUrls).toEqual({
      arbeitnow: 'https://www.arbeitnow.com/api/job-board-api',
      remotive: 'https://remotive.com/api/remote-jobs',
    });
    await expect(createProvider(config('arbeitnow')).search({ fullTime: false }, aborted())).rejects.toThrow(
      'The job board timed out (www.arbeitnow.com).',
    );
    await expect(createProvider(config('remotive')).search({ fullTime: false }, aborted())).rejects.toThrow(
      'The job board timed out (remotive.com).',
    );
  });
});

describe('the sample provider', () => {
  it('reads its file once, whatever the query', async () => {
    const provider = createSampleProvider();
    const first = await provider.search({ location: 'Berlin', fullTime: true }, signal());
    expect(await provider.search({ fullTime: false }, signal())).toBe(first);
    expect(first).toHaveLength(240);
  });

  it('fails for a missing file', async () => {
    await expect(
      createSampleProvider('/nonexistent/sample-jobs.json').search({ fullTime: false }, signal()),
    ).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
