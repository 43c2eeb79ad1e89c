import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawExchange } from '../harness/rawHttp';
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

  describe("requests Node's HTTP parser refuses, before any route", () => {
    const expectJsonRefusal = (answer: { status: number; headers: Record<string, unknown>; body: string }) => {
      expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(answer.headers['x-content-type-options']).toBe('nosniff');
      expect(answer.headers.connection).toBe('close');
      expect(Number(answer.headers['content-length'])).toBe(Buffer.byteLength(answer.body));
      return JSON.parse(answer.body) as unknown;
    };

    it('answers 400 JSON with nosniff to a malformed request line', async () => {
      const answer = await rawExchange(server.server.port, 'this is not http at all\r\n\r\n');
      expect(answer.status).toBe(400);
      expect(expectJsonRefusal(answer)).toEqual({
        hasError: 1,
        error: 'The request cannot be read as HTTP.',
        code: 'bad_request',
      });
    });

    it('answers 431 JSON with nosniff to headers over the size limit', async () => {
      const answer = await rawExchange(
        server.server.port,
        `GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Big: ${'a'.repeat(64 * 1024)}\r\n\r\n`,
      );
      expect(answer.status).toBe(431);
      expect(expectJsonRefusal(answer)).toEqual({
        hasError: 1,
        error: 'The request headers are too large.',
        code: 'bad_request',
      });
    });
  });
});
