import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../harness/testServer';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.stop();
});

describe('malformed requests', () => {
  it('answers 400 JSON to a gzip body that does not inflate', async () => {
    const response = await fetch(`${server.server.url}/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: 'this is not gzip at all',
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/application\/json/);
    expect(await response.json()).toEqual({ hasError: 1, error: 'Bad Request.', code: 'bad_request' });
  });

  it('answers 400 JSON to a path parameter that is not valid percent-encoding', async () => {
    const response = await fetch(`${server.server.url}/users/%FF`);
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/application\/json/);
    const body = (await response.json()) as { hasError: number; error: string };
    expect(body).toEqual({ hasError: 1, error: 'Bad Request.', code: 'bad_request' });
  });
});
