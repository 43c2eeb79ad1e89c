import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomJobsPath } from '../../client/types';
import { waitUntil } from '../../devtools/localStack';
import { startTestServer, type TestServer } from '../harness/testServer';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.stop();
});

const call = async (path: string, init?: RequestInit) => {
  const answer = await fetch(`${server.server.url}${path}`, init);
  await answer.arrayBuffer();
  return answer;
};

describe('X-Request-Id', () => {
  it.each<[string, string, RequestInit | undefined, number]>([
    ['a search', '/?location=Berlin', undefined, 200],
    ['the health check', '/healthz', undefined, 200],
    ['an unknown route', '/no/such/route', undefined, 404],
    [
      'an unreadable body',
      '/sessions',
      { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{' },
      400,
    ],
    ['a missing token', '/sessions', undefined, 401],
    ['an invalid query', '/?full_time=perhaps', undefined, 422],
    [
      'a CORS preflight',
      '/users',
      { method: 'OPTIONS', headers: { Origin: 'http://example.com', 'Access-Control-Request-Method': 'POST' } },
      204,
    ],
    ['the API document', '/openapi.json', undefined, 200],
  ])('is on the answer to %s (%s), a fresh uuid when none came with it', async (_what, path, init, status) => {
    const answer = await call(path, init);
    expect(answer.status).toBe(status);
    expect(answer.headers.get('x-request-id')).toMatch(uuid);
  });

  it('is the incoming one when it is a safe token, on errors too', async () => {
    for (const path of ['/healthz', '/no/such/route', '/sessions']) {
      const answer = await call(path, { headers: { 'X-Request-Id': 'client-id-1' } });
      expect(answer.headers.get('x-request-id')).toBe('client-id-1');
    }
  });

  it('is on socket.io long-polling answers', async () => {
    const answer = await call(`${randomJobsPath}/?EIO=4&transport=polling`, { headers: { 'X-Request-Id': 'poll-2' } });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-request-id')).toBe('poll-2');
  });

  it('leaves the request log file in its format: timestamp, method, URL with secrets hidden, status, duration', async () => {
    const marker = `id${Date.now()}`;
    await call(`/no/such/route?description=${marker}&token=abc`, { headers: { 'X-Request-Id': 'not-in-the-file' } });
    let lines: string[] = [];
    await waitUntil(
      async () => {
        lines = (await readFile(server.config.log_file, 'utf8').catch(() => ''))
          .split('\n')
          .filter((line) => line.includes(marker));
        return lines.length > 0;
      },
      10_000,
      'the request line in the log file',
    );
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      new RegExp(
        `^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z GET /no/such/route\\?description=${marker}&token=\\*\\*\\* 404 \\d+\\.\\dms$`,
      ),
    );
  });
});
