import type { AddressInfo } from 'node:net';
import express from 'express';
import { describe, expect, it } from 'vitest';
import type { AppLogger } from '../../libraries/appLogger';
import { createErrorHandler, notFoundHandler } from '../../libraries/errorHandler';
import { HttpError } from '../../libraries/errors';

/** A logger that keeps what it is told. */
function recordingLogger(): AppLogger & { lines: string[] } {
  const lines: string[] = [];
  const keep = (message: string, error?: unknown) => lines.push(`${message} ${error instanceof Error ? error.stack : ''}`);
  return { lines, info: keep, warn: keep, error: keep };
}

async function serve(app: express.Express, run: (url: string) => Promise<void>) {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  try {
    await run(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

describe('the central error handler', () => {
  it('answers 500 with a generic message and keeps the details in the log (a programmer error thrown by a stand-in route)', async () => {
    const logger = recordingLogger();
    const app = express();
    app.get('/boom', () => {
      throw new TypeError('secret detail: cannot read properties of undefined');
    });
    app.use(createErrorHandler(logger));
    await serve(app, async (url) => {
      const response = await fetch(`${url}/boom`);
      expect(response.status).toBe(500);
      const body = await response.text();
      expect(JSON.parse(body)).toEqual({ hasError: 1, error: 'An unexpected error occurred.' });
      expect(body).not.toContain('secret detail');
      expect(logger.lines.join('\n')).toContain('secret detail');
    });
  });

  it('turns typed errors, bad JSON, bodies over 100 kB and unknown routes into { hasError: 1, error }', async () => {
    const app = express();
    app.use(express.json({ limit: '100kb' }));
    app.post('/teapot', () => {
      throw new HttpError(418, 'I am a teapot.', { 'X-Brew': 'tea' });
    });
    app.use(notFoundHandler);
    app.use(createErrorHandler(recordingLogger()));
    await serve(app, async (url) => {
      const json = { 'content-type': 'application/json' };
      const teapot = await fetch(`${url}/teapot`, { method: 'POST', headers: json, body: '{}' });
      expect([teapot.status, teapot.headers.get('x-brew'), await teapot.json()]).toEqual([418, 'tea', { hasError: 1, error: 'I am a teapot.' }]);
      const badJson = await fetch(`${url}/teapot`, { method: 'POST', headers: json, body: '{ nope' });
      expect([badJson.status, await badJson.json()]).toEqual([400, { hasError: 1, error: 'The request body is not valid JSON.' }]);
      const tooLarge = await fetch(`${url}/teapot`, { method: 'POST', headers: json, body: JSON.stringify({ text: 'x'.repeat(101 * 1024) }) });
      expect([tooLarge.status, await tooLarge.json()]).toEqual([413, { hasError: 1, error: 'The request body is too large (at most 100 kB).' }]);
      const missing = await fetch(`${url}/nowhere`);
      expect([missing.status, (await missing.json()) as unknown]).toEqual([404, { hasError: 1, error: 'No route for GET /nowhere.' }]);
    });
  });
});
