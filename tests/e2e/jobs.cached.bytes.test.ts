import { readFile, stat } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitUntil } from '../../devtools/localStack';
import { startTestServer, type TestServer } from '../harness/testServer';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.stop();
});

const search = (query: string, headers: Record<string, string> = {}) =>
  fetch(`${server.server.url}/?${query}`, { headers });
const dataFile = async () => JSON.parse(await readFile(server.config.data_file, 'utf8')) as unknown;

describe('GET / answered from the cache', () => {
  it('sends the same bytes with the same ETag, and 304 for If-None-Match', async () => {
    const first = await search('location=Berlin');
    const body = await first.text();
    const etag = first.headers.get('etag');
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(etag).toMatch(/^"[0-9a-f]+-[\w-]+"$/);
    expect(JSON.parse(body)).toEqual(await dataFile());

    const second = await search('location=berlin');
    expect(second.headers.get('etag')).toBe(etag);
    expect(await second.text()).toBe(body);

    const notModified = await search('location=Berlin', { 'If-None-Match': `W/"other", ${etag}` });
    expect(notModified.status).toBe(304);
    expect(await notModified.text()).toBe('');
    const changed = await search('location=Berlin', { 'If-None-Match': '"other"' });
    expect(changed.status).toBe(200);
    expect(await changed.text()).toBe(body);

    const other = await search('location=Paris');
    expect(other.headers.get('etag')).not.toBe(etag);
  });

  it('does not write data_file again for the result it already holds, yet holds the latest result', async () => {
    const berlin = (await (await search('location=Munich')).json()) as unknown;
    const written = (await stat(server.config.data_file)).mtimeMs;
    await search('location=Munich');
    await search('location=Munich');
    expect((await stat(server.config.data_file)).mtimeMs).toBe(written);

    const london = (await (await search('location=London')).json()) as unknown;
    expect(await dataFile()).toEqual(london);
    await search('location=Munich');
    expect(await dataFile()).toEqual(berlin);
  });

  it('still logs one line per request, 304s included', async () => {
    const marker = `cached${Date.now()}`;
    const etag = (await search(`description=${marker}`)).headers.get('etag')!;
    await search(`description=${marker}`);
    await search(`description=${marker}`, { 'If-None-Match': etag });
    await waitUntil(
      async () =>
        (await readFile(server.config.log_file, 'utf8').catch(() => ''))
          .split('\n')
          .filter((line) => line.includes(marker)).length === 3,
      5000,
      'three log lines',
    );
    const lines = (await readFile(server.config.log_file, 'utf8')).split('\n').filter((line) => line.includes(marker));
    expect(lines.map((line) => line.split(' ')[3])).toEqual(['200', '200', '304']);
  });
});
