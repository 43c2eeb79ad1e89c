import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Request, Response } from 'express';
import { describe, expect, it, vi } from 'vitest';
import type { AppLogger } from '../../libraries/appLogger';
import { createErrorHandler, notFoundHandler } from '../../http/errorHandler';
import { HttpError } from '../../libraries/errors';
import { TokenError } from '../../libraries/jwtManager';
import { SessionStoreError } from '../../libraries/sessions';

/** A logger that keeps what it is told. */
function recordingLogger(): AppLogger & { lines: string[] } {
  const lines: string[] = [];
  const keep = (message: string, error?: unknown) =>
    lines.push(`${message} ${error instanceof Error ? error.stack : ''}`);
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
      expect(JSON.parse(body)).toEqual({ hasError: 1, error: 'An unexpected error occurred.', code: 'internal_error' });
      expect(body).not.toContain('secret detail');
      expect(logger.lines.join('\n')).toContain('secret detail');
    });
  });

  it('turns typed errors, bad JSON, bodies over 100 kB and unknown routes into { hasError: 1, error, code }', async () => {
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
      expect([teapot.status, teapot.headers.get('x-brew'), await teapot.json()]).toEqual([
        418,
        'tea',
        { hasError: 1, error: 'I am a teapot.', code: 'bad_request' },
      ]);
      const badJson = await fetch(`${url}/teapot`, { method: 'POST', headers: json, body: '{ nope' });
      expect([badJson.status, await badJson.json()]).toEqual([
        400,
        { hasError: 1, error: 'The request body is not valid JSON.', code: 'bad_request' },
      ]);
      const tooLarge = await fetch(`${url}/teapot`, {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ text: 'x'.repeat(101 * 1024) }),
      });
      expect([tooLarge.status, await tooLarge.json()]).toEqual([
        413,
        { hasError: 1, error: 'The request body is too large (at most 100 kB).', code: 'payload_too_large' },
      ]);
      const missing = await fetch(`${url}/nowhere`);
      expect([missing.status, (await missing.json()) as unknown]).toEqual([
        404,
        { hasError: 1, error: 'No route for GET /nowhere.', code: 'not_found' },
      ]);
    });
  });

  it('maps any error by the status it carries, with a generic message for an unknown 4xx (stand-in errors thrown by routes)', async () => {
    const app = express();
    app.get('/carried', () => {
      throw Object.assign(new Error('internal wording: the widget cache said no'), { statusCode: 409 });
    });
    app.get('/status-500', () => {
      throw Object.assign(new Error('secret detail of a carried 500'), { status: 500 });
    });
    const logger = recordingLogger();
    app.use(createErrorHandler(logger));
    await serve(app, async (url) => {
      const carried = await fetch(`${url}/carried`);
      const text = await carried.text();
      expect([carried.status, JSON.parse(text)]).toEqual([409, { hasError: 1, error: 'Conflict.', code: 'conflict' }]);
      expect(text).not.toContain('widget');
      const internal = await fetch(`${url}/status-500`);
      expect([internal.status, await internal.json()]).toEqual([
        500,
        { hasError: 1, error: 'An unexpected error occurred.', code: 'internal_error' },
      ]);
      expect(logger.lines.join('\n')).toContain('secret detail of a carried 500');
    });
  });

  it('gives a typed error its own code, and any other the code of its status', async () => {
    const app = express();
    app.get('/taken', () => {
      throw new HttpError(422, 'This email is taken.', {}, { code: 'email_taken' });
    });
    app.get('/invalid', () => {
      throw new HttpError(422, 'email: is invalid.');
    });
    app.get('/limited', () => {
      throw new HttpError(429, 'Slow down.');
    });
    app.use(createErrorHandler(recordingLogger()));
    await serve(app, async (url) => {
      const codes = await Promise.all(
        ['taken', 'invalid', 'limited'].map(
          async (path) => ((await (await fetch(`${url}/${path}`)).json()) as { code: string }).code,
        ),
      );
      expect(codes).toEqual(['email_taken', 'validation_failed', 'rate_limited']);
    });
  });

  it('always sends Retry-After with 503 and 429', async () => {
    const app = express();
    app.get('/unavailable', () => {
      throw new HttpError(503, 'Down for a moment.');
    });
    app.get('/limited', () => {
      throw new HttpError(429, 'Slow down.');
    });
    app.get('/limited-for-a-minute', () => {
      throw new HttpError(429, 'Slow down.', { 'Retry-After': '60' });
    });
    app.use(createErrorHandler(recordingLogger()));
    await serve(app, async (url) => {
      const unavailable = await fetch(`${url}/unavailable`);
      expect([unavailable.status, unavailable.headers.get('retry-after')]).toEqual([503, '5']);
      const limited = await fetch(`${url}/limited`);
      expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '5']);
      const minute = await fetch(`${url}/limited-for-a-minute`);
      expect([minute.status, minute.headers.get('retry-after')]).toEqual([429, '60']);
    });
  });

  it('answers 403 to a refused token and 503 with Retry-After to an unavailable revocation store, from the errors themselves', async () => {
    const app = express();
    app.get('/refused', () => {
      throw new TokenError('revoked', 'The token has been revoked.');
    });
    app.get('/store-down', () => {
      throw new SessionStoreError();
    });
    app.use(createErrorHandler(recordingLogger()));
    await serve(app, async (url) => {
      const refused = await fetch(`${url}/refused`);
      expect([refused.status, await refused.json()]).toEqual([
        403,
        { hasError: 1, error: 'The token has been revoked.', code: 'token_revoked' },
      ]);
      const down = await fetch(`${url}/store-down`);
      expect([down.status, down.headers.get('retry-after'), await down.json()]).toEqual([
        503,
        '5',
        { hasError: 1, error: 'The session store is unavailable; try again shortly.', code: 'service_unavailable' },
      ]);
    });
  });

  it('answers 400 JSON to a body-parser error without a type (a gzip body that does not inflate)', async () => {
    const app = express();
    app.use(express.json({ limit: '100kb' }));
    app.post('/echo', (req, res) => void res.json(req.body));
    app.use(createErrorHandler(recordingLogger()));
    await serve(app, async (url) => {
      const response = await fetch(`${url}/echo`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
        body: 'garbage, not gzip',
      });
      expect([response.status, await response.json()]).toEqual([
        400,
        { hasError: 1, error: 'Bad Request.', code: 'bad_request' },
      ]);
    });
  });

  it('logs 1,000 answers 503 of one kind as one warning, then one count a minute later, then the end after a quiet minute (fake timers)', () => {
    vi.useFakeTimers();
    try {
      const logger = recordingLogger();
      const handle = createErrorHandler(logger);
      const answer = () => {
        const res = { headersSent: false, status: () => res, set: () => res, json: () => res };
        const req = { method: 'GET', path: '/sessions', originalUrl: '/sessions' };
        handle(
          new HttpError(503, 'The session store is unavailable.'),
          req as Request,
          res as unknown as Response,
          () => {},
        );
      };
      for (let i = 0; i < 1000; i++) answer();
      expect(logger.lines).toEqual([
        expect.stringMatching(
          /^Requests answer 503 \(The session store is unavailable\.\): GET \/sessions \(logged again/,
        ),
      ]);
      vi.advanceTimersByTime(60_000);
      expect(logger.lines[1]).toMatch(
        /^Requests answer 503 \(.+\): 999 more times in the last 60 s; latest: GET \/sessions/,
      );
      vi.advanceTimersByTime(60_000);
      expect(logger.lines[2]).toMatch(/^Requests answer 503 \(.+\): over \(none for 60 s\); 1000 times in all since /);
      expect(logger.lines).toHaveLength(3);
    } finally {
      vi.useRealTimers();
    }
  });
});
