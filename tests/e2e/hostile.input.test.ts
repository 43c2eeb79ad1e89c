import { gzipSync } from 'node:zlib';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SocketError } from '../../client';
import { startTestServer, type TestServer } from '../harness/testServer';
import { startUpstream, type Upstream } from '../harness/upstream';
import { goodPassword, newUser, signUp } from '../harness/users';

/** An answer read raw: status, headers and the body as text. */
interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Sends a request exactly as given (no URL normalization, any header, any bytes). */
function rawRequest(
  url: string,
  options: { method?: string; path: string; headers?: Record<string, string>; body?: Buffer | string },
): Promise<RawAnswer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    // An explicit length: Node sends a GET's body without one, and the server reads it as the next request.
    const length = options.body === undefined ? {} : { 'content-length': String(Buffer.byteLength(options.body)) };
    const req = request(
      {
        hostname,
        port,
        method: options.method ?? 'GET',
        path: options.path,
        headers: { ...length, ...options.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

const json = { 'content-type': 'application/json' };

let server: TestServer;
let upstream: Upstream;
beforeAll(async () => {
  upstream = await startUpstream();
  server = await startTestServer();
});
afterAll(async () => {
  await server.stop();
  await upstream.close();
});

describe('client mistakes that once were 500s', () => {
  it.each([
    ['POST', '/sessions'],
    ['POST', '/users'],
    ['GET', '/healthz'],
  ])('answers 400 JSON to a corrupt gzip body on %s %s', async (method, path) => {
    const answer = await rawRequest(server.server.url, {
      method,
      path,
      headers: { ...json, 'content-encoding': 'gzip' },
      body: 'x',
    });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toEqual({ hasError: 1, error: expect.any(String), code: 'bad_request' });
  });

  it('still reads a well-formed gzip body', async () => {
    const body = gzipSync(JSON.stringify({ email: 'nobody@example.com', password: goodPassword }));
    const answer = await rawRequest(server.server.url, {
      method: 'POST',
      path: '/sessions',
      headers: { ...json, 'content-encoding': 'gzip' },
      body,
    });
    expect(answer.status).toBe(401);
  });

  it.each(['/users/%FF', '/users/%E0%A4%A/image/signed-url?fileType=image/png&fileSize=1', '/users/%'])(
    'answers 400 JSON to a path that cannot be decoded (%s)',
    async (path) => {
      const { token } = await signUp(server.client());
      for (const headers of [{}, { authorization: `Bearer ${token}` }] as Record<string, string>[]) {
        const answer = await rawRequest(server.server.url, {
          method: path.includes('signed-url') ? 'PUT' : 'GET',
          path,
          headers,
        });
        expect(answer.status).toBe(400);
        expect(JSON.parse(answer.body)).toMatchObject({ hasError: 1 });
      }
    },
  );

  it('answers 415 JSON to a charset it cannot read', async () => {
    const answer = await rawRequest(server.server.url, {
      method: 'POST',
      path: '/users',
      headers: { 'content-type': 'application/json; charset=koi8-r' },
      body: '{}',
    });
    expect(answer.status).toBe(415);
    expect(JSON.parse(answer.body)).toEqual({
      hasError: 1,
      error: expect.stringMatching(/charset/),
      code: 'unsupported_media_type',
    });
  });

  it('answers 422 to an email with a lone UTF-16 surrogate, on registration and on change', async () => {
    const registration = await rawRequest(server.server.url, {
      method: 'POST',
      path: '/users',
      headers: json,
      body: '{"email":"a\\ud800@example.com","username":"abcdef1","password":"password123"}',
    });
    expect(registration.status).toBe(422);
    expect(JSON.parse(registration.body)).toEqual({
      hasError: 1,
      error: expect.stringMatching(/^email/),
      code: 'validation_failed',
      errors: [{ field: 'email', message: expect.any(String) }],
    });

    const { user, token } = await signUp(server.client());
    const change = await rawRequest(server.server.url, {
      method: 'PUT',
      path: `/users/${user.id}`,
      headers: { ...json, authorization: `Bearer ${token}` },
      body: '{"email":"\\udfffb@example.com"}',
    });
    expect(change.status).toBe(422);
  });

  it('answers 401 or 422 to a login with an email far over 254 characters, never 500', async () => {
    for (const length of [255, 2100, 50_000]) {
      const email = `${'a'.repeat(length)}@example.com`;
      const answer = await rawRequest(server.server.url, {
        method: 'POST',
        path: '/sessions',
        headers: json,
        body: JSON.stringify({ email, password: goodPassword }),
      });
      expect([401, 422], `email of ${length}`).toContain(answer.status);
    }
  });

  it('answers 422 to over-long strings anywhere a schema takes text', async () => {
    const long = 'x'.repeat(5000);
    const { user, token } = await signUp(server.client());
    const auth = { authorization: `Bearer ${token}` };
    const attempts = [
      { method: 'POST', path: '/users', headers: json, body: JSON.stringify(newUser({ username: long })) },
      { method: 'POST', path: '/users', headers: json, body: JSON.stringify(newUser({ password: long })) },
      {
        method: 'POST',
        path: '/sessions',
        headers: json,
        body: JSON.stringify({ email: 'a@example.com', password: long }),
      },
      { method: 'GET', path: `/users?cursor=${long}`, headers: auth },
      { method: 'GET', path: `/?location=${long}`, headers: {} },
      {
        method: 'PUT',
        path: `/users/${user.id}`,
        headers: { ...json, ...auth },
        body: JSON.stringify({ email: `${long}@example.com` }),
      },
    ];
    for (const attempt of attempts) {
      const answer = await rawRequest(server.server.url, attempt);
      expect([401, 422], `${attempt.method} ${attempt.path.slice(0, 30)}`).toContain(answer.status);
    }
  });
});

describe('Unicode look-alikes', () => {
  it('registers a full-width look-alike of a taken email as the same account: 422 taken', async () => {
    const { credentials } = await signUp(server.client());
    const fullWidth = [...credentials.email]
      .map((c) => (/[a-z0-9]/.test(c) ? String.fromCodePoint(c.codePointAt(0)! + 0xfee0) : c))
      .join('');
    expect(fullWidth).not.toBe(credentials.email);
    const answer = await rawRequest(server.server.url, {
      method: 'POST',
      path: '/users',
      headers: json,
      body: JSON.stringify(newUser({ email: fullWidth })),
    });
    expect(answer.status).toBe(422);
    expect(JSON.parse(answer.body)).toEqual({
      hasError: 1,
      error: 'email: is already taken.',
      code: 'email_taken',
      errors: [{ field: 'email', message: 'is already taken.' }],
    });
    // The folded form logs in to the one account.
    expect(
      (await server.client().sessions.login({ email: fullWidth, password: credentials.password })).data.email,
    ).toBe(credentials.email);
  });

  it('treats a full-width username as the plain one', async () => {
    const { user } = await signUp(server.client());
    const fullWidth = [...user.username].map((c) => String.fromCodePoint(c.codePointAt(0)! + 0xfee0)).join('');
    const answer = await rawRequest(server.server.url, {
      method: 'POST',
      path: '/users',
      headers: json,
      body: JSON.stringify(newUser({ username: fullWidth })),
    });
    expect(answer.status).toBe(422);
    expect(JSON.parse(answer.body)).toEqual({
      hasError: 1,
      error: 'username: is already taken.',
      code: 'username_taken',
      errors: [{ field: 'username', message: 'is already taken.' }],
    });
  });
});

describe('headers and error bodies', () => {
  it.each(['/', '/healthz', '/openapi.json', '/docs', '/nowhere', '/users'])(
    'sends nosniff and a CSP with frame-ancestors on %s',
    async (path) => {
      const response = await fetch(`${server.server.url}${path}`);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
      expect(response.headers.get('x-powered-by')).toBeNull();
    },
  );

  it('keeps the console on its own policy (scripts from itself)', async () => {
    const response = await fetch(`${server.server.url}/console/`);
    const policy = response.headers.get('content-security-policy') ?? '';
    if (response.status === 200) expect(policy).toMatch(/script-src 'self'/);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it.each(['attacker.example', "attacker.example; script-src 'unsafe-inline' *"])(
    'never copies a hostile Host header (%s) into a response header of the console',
    async (host) => {
      const answer = await rawRequest(server.server.url, { path: '/console/', headers: { host } });
      expect(answer.status).toBe(200);
      expect(answer.headers['content-security-policy']).toMatch(/connect-src 'self'/);
      for (const [name, value] of Object.entries(answer.headers))
        expect(`${name}: ${String(value)}`).not.toContain('attacker.example');
    },
  );

  it('answers 502 without naming the board’s host or port', async () => {
    const boarded = await startTestServer({
      jobs_provider: 'github',
      jobs_api_url: `${upstream.url}/github/positions.json`,
      jobs_timeout_ms: 500,
    });
    try {
      upstream.fault({ status: 500 });
      const answer = await rawRequest(boarded.server.url, { path: '/?location=nowhere' });
      expect(answer.status).toBe(502);
      const { port, hostname } = new URL(upstream.url);
      expect(answer.body).not.toContain(port);
      expect(answer.body).not.toContain(hostname);
      expect(JSON.parse(answer.body)).toEqual({
        hasError: 1,
        error: expect.stringMatching(/job board/),
        code: 'bad_gateway',
      });
    } finally {
      upstream.fault(undefined);
      await boarded.stop();
    }
  });
});

describe('upstream amplification', () => {
  it('asks an arbeitnow-format board once for 50 distinct locations, and filters locally', async () => {
    const boarded = await startTestServer({
      jobs_provider: 'arbeitnow',
      jobs_api_url: `${upstream.url}/arbeitnow/api/job-board-api`,
    });
    try {
      const before = upstream.requests.length;
      const client = boarded.client();
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) => client.jobs.search({ location: i === 0 ? 'Berlin' : `place-${i}` })),
      );
      expect(upstream.requests.length - before).toBe(1);
      expect(results[0]!.length).toBeGreaterThan(0);
      expect(results[0]!.every((job) => /berlin/i.test(job.location))).toBe(true);
      expect(results[1]).toEqual([]);
    } finally {
      await boarded.stop();
    }
  });

  it('limits cold searches per client address (rate_limit_search), not cached ones', async () => {
    const boarded = await startTestServer({
      jobs_provider: 'github',
      jobs_api_url: `${upstream.url}/github/positions.json`,
      rate_limit_search: 3,
    });
    try {
      const search = (location: string) => fetch(`${boarded.server.url}/?location=${location}`);
      expect((await search('a1')).status).toBe(200);
      expect((await search('a2')).status).toBe(200);
      expect((await search('a3')).status).toBe(200);
      const refused = await search('a4');
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      // Answered from the cache: no upstream call, no limit.
      expect((await search('a1')).status).toBe(200);
    } finally {
      await boarded.stop();
    }
  });

  it('lets 2,000 distinct jobRequests from one socket cause at most socket_rate_limit × seconds upstream calls', async () => {
    const boarded = await startTestServer({
      jobs_provider: 'github',
      jobs_api_url: `${upstream.url}/github/positions.json`,
      socket_rate_limit: 10,
      random_job_interval_ms: 3_600_000,
    });
    const live = boarded.client().jobs.connect({ transports: ['websocket'] });
    try {
      const before = upstream.requests.length;
      const started = Date.now();
      const answers = await Promise.all(
        Array.from({ length: 2000 }, (_, i) =>
          live.requestJob(`town-${i}`).then(
            () => 'answered',
            (error: unknown) => (error instanceof SocketError ? error.code : 'other'),
          ),
        ),
      );
      const seconds = Math.ceil((Date.now() - started) / 1000);
      const calls = upstream.requests.length - before;
      expect(calls).toBeLessThanOrEqual(10 * seconds);
      expect(answers.filter((answer) => answer === 'rate_limited').length).toBeGreaterThanOrEqual(2000 - 10 * seconds);
      expect(answers).not.toContain('other');
    } finally {
      live.close();
      await boarded.stop();
    }
  });
});
