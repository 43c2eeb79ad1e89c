import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ApiError, createClient, MemoryStorage } from '../../client/index';
import { isTokenExpired, readTokenPayload } from '../../client/token';

/** What the small server below received. */
interface Received {
  method: string;
  url: string;
  authorization: string | undefined;
  contentType: string | undefined;
  contentLength: string | undefined;
  body: string;
}

/**
 * A small HTTP server standing in for the API and for S3: it records every request and answers
 * with what the test put in `answers` for `METHOD path` (200 `{}` otherwise; status 0: no answer).
 */
let server: Server;
let baseURL: string;
let received: Received[] = [];
let answers: Record<string, { status: number; body: unknown; type?: string }> = {};

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = req.url ?? '';
      received.push({
        method: req.method ?? '',
        url,
        authorization: req.headers.authorization,
        contentType: req.headers['content-type'],
        contentLength: req.headers['content-length'],
        body: Buffer.concat(chunks).toString('utf8'),
      });
      const answer = answers[`${req.method} ${url.split('?')[0]}`] ?? { status: 200, body: {} };
      if (answer.status === 0) return; // never answers
      const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
      res.writeHead(answer.status, { 'content-type': answer.type ?? 'application/json' }).end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  received = [];
  answers = {};
});

/** An unsigned JWT-shaped token whose payload is `payload` (the SDK never verifies tokens). */
const tokenWith = (payload: unknown) => `e30.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.signature`;

const user = { id: 'u-1', email: 'ada@example.com', username: 'ada', role: 'user', image: null };

describe('client.jobs.search', () => {
  it('sends only the criteria given, full_time as text, and returns the jobs', async () => {
    answers['GET /'] = { status: 200, body: [{ id: 'j1' }] };
    const client = createClient({ baseURL });
    expect(await client.jobs.search({ location: 'Berlin', description: 'node', full_time: false })).toEqual([
      { id: 'j1' },
    ]);
    await client.jobs.search();
    await client.jobs.search({ full_time: true });
    expect(received.map((request) => request.url)).toEqual([
      '/?location=Berlin&description=node&full_time=false',
      '/',
      '/?full_time=true',
    ]);
  });
});

describe('client.sessions', () => {
  it('login stores the returned token, tells the listeners, and sends it on the next requests', async () => {
    answers['POST /sessions'] = { status: 200, body: { data: user, token: 'tok-1' } };
    answers['GET /sessions'] = { status: 200, body: { data: user } };
    const client = createClient({ baseURL });
    const changes: (string | null)[] = [];
    client.onTokenChange((token) => changes.push(token));
    expect(await client.sessions.login({ email: 'ada@example.com', password: 'pw' })).toEqual({
      data: user,
      token: 'tok-1',
    });
    expect(await client.sessions.current()).toEqual(user);
    expect(client.storage.get()).toBe('tok-1');
    expect(changes).toEqual(['tok-1']);
    expect(received.map(({ method, url, authorization }) => [method, url, authorization])).toEqual([
      ['POST', '/sessions', undefined],
      ['GET', '/sessions', 'Bearer tok-1'],
    ]);
    expect(JSON.parse(received[0]!.body)).toEqual({ email: 'ada@example.com', password: 'pw' });
  });

  it.each([
    [undefined, '/sessions', null],
    ['local', '/sessions?scope=local', null],
    ['all', '/sessions?scope=all', null],
    ['others', '/sessions?scope=others', 'tok'],
  ] as const)('logout with scope %s sends %s and leaves the token %s', async (scope, url, left) => {
    const storage = new MemoryStorage();
    storage.set('tok');
    const client = createClient({ baseURL, storage });
    await client.sessions.logout(scope === undefined ? undefined : { scope });
    expect(received.map((request) => [request.method, request.url, request.authorization])).toEqual([
      ['DELETE', url, 'Bearer tok'],
    ]);
    expect(storage.get()).toBe(left);
  });

  it.each([401, 403])(
    'logout forgets the token the server already refuses with %i, whatever the scope',
    async (status) => {
      answers['DELETE /sessions'] = { status, body: { hasError: 1, error: 'The token has been revoked.' } };
      const storage = new MemoryStorage();
      storage.set('tok');
      await createClient({ baseURL, storage }).sessions.logout({ scope: 'others' });
      expect(storage.get()).toBeNull();
    },
  );

  it('logout keeps the token and rethrows when the server fails otherwise', async () => {
    answers['DELETE /sessions'] = { status: 503, body: { hasError: 1, error: 'Redis is down.' } };
    const storage = new MemoryStorage();
    storage.set('tok');
    const error = await createClient({ baseURL, storage })
      .sessions.logout()
      .catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 503, message: 'Redis is down.' });
    expect(storage.get()).toBe('tok');
  });
});

describe('client.users', () => {
  it('create, list, get and update use their routes, escape the id and unwrap the data', async () => {
    answers['POST /users'] = { status: 201, body: { data: user } };
    answers['GET /users'] = { status: 200, body: { data: [user], next: 'c2' } };
    answers['GET /users/a%2Fb'] = { status: 200, body: { data: { ...user, id: 'a/b' } } };
    answers['PUT /users/u-1'] = { status: 200, body: { data: { ...user, username: 'lovelace' } } };
    const client = createClient({ baseURL });
    const newUser = { email: 'ada@example.com', username: 'ada', password: 'secret-pw' };
    expect(await client.users.create(newUser)).toEqual(user);
    expect(await client.users.list()).toEqual({ data: [user], next: 'c2' });
    await client.users.list({ limit: 5, cursor: 'c2' });
    expect(await client.users.get('a/b')).toEqual({ ...user, id: 'a/b' });
    expect(await client.users.update('u-1', { username: 'lovelace' })).toEqual({ ...user, username: 'lovelace' });
    expect(received.map(({ method, url }) => `${method} ${url}`)).toEqual([
      'POST /users',
      'GET /users',
      'GET /users?limit=5&cursor=c2',
      'GET /users/a%2Fb',
      'PUT /users/u-1',
    ]);
    expect(JSON.parse(received[0]!.body)).toEqual(newUser);
    expect(JSON.parse(received[4]!.body)).toEqual({ username: 'lovelace' });
  });

  it('changePassword stores the fresh token the server returns', async () => {
    answers['PUT /users/u-1/password'] = { status: 200, body: { data: user, token: 'fresh' } };
    const storage = new MemoryStorage();
    storage.set('old');
    const client = createClient({ baseURL, storage });
    const change = { currentPassword: 'old-pw', newPassword: 'new-pw-long' };
    expect(await client.users.changePassword('u-1', change)).toEqual({ data: user, token: 'fresh' });
    expect(storage.get()).toBe('fresh');
    expect(received.map(({ method, url, authorization }) => [method, url, authorization])).toEqual([
      ['PUT', '/users/u-1/password', 'Bearer old'],
    ]);
    expect(JSON.parse(received[0]!.body)).toEqual(change);
  });

  it('remove clears the stored token only when it belongs to the removed user', async () => {
    const mine = tokenWith({ sub: 'u-1' });
    const storage = new MemoryStorage();
    const client = createClient({ baseURL, storage });
    storage.set(mine);
    await client.users.remove('u-2');
    expect(storage.get()).toBe(mine);
    await client.users.remove('u-1');
    expect(storage.get()).toBeNull();
    await client.users.remove('u-1');
    expect(received.map(({ method, url }) => `${method} ${url}`)).toEqual([
      'DELETE /users/u-2',
      'DELETE /users/u-1',
      'DELETE /users/u-1',
    ]);
  });

  it('remove keeps a token stored while the request was under way', async () => {
    const storage = new MemoryStorage();
    const client = createClient({ baseURL, storage });
    storage.set(tokenWith({ sub: 'u-1' }));
    const removal = client.users.remove('u-1');
    storage.set(tokenWith({ sub: 'u-1', exp: 1 }));
    await removal;
    expect(storage.get()).toBe(tokenWith({ sub: 'u-1', exp: 1 }));
  });

  it('remove keeps the token when the server refuses', async () => {
    answers['DELETE /users/u-1'] = { status: 403, body: { hasError: 1, error: 'You are not allowed to do this.' } };
    const storage = new MemoryStorage();
    storage.set(tokenWith({ sub: 'u-1' }));
    await expect(createClient({ baseURL, storage }).users.remove('u-1')).rejects.toMatchObject({ status: 403 });
    expect(storage.get()).toBe(tokenWith({ sub: 'u-1' }));
  });
});

describe('client.users.uploadImage', () => {
  const signedFor = (path: string) => ({
    signedRequest: `${baseURL}${path}?X-Amz-Signature=abc`,
    url: `${baseURL}/public${path}`,
    expiresAt: '2026-11-26T10:01:00.000Z',
  });

  it('signs the upload for the exact size, PUTs exactly the bytes with the signed type and without the token', async () => {
    answers['PUT /users/u%201/image/signed-url'] = { status: 200, body: signedFor('/bucket/u1.png') };
    const storage = new MemoryStorage();
    storage.set('tok');
    const client = createClient({ baseURL, storage });
    // A slice of a larger buffer: only its own three bytes may go out.
    const bytes = Buffer.from('xxabcyy').subarray(2, 5);
    expect(await client.users.uploadImage('u 1', bytes, 'image/png')).toBe(`${baseURL}/public/bucket/u1.png`);
    expect(received.map(({ method, url, authorization }) => [method, url, authorization])).toEqual([
      ['PUT', '/users/u%201/image/signed-url?fileType=image%2Fpng&fileSize=3', 'Bearer tok'],
      ['PUT', '/bucket/u1.png?X-Amz-Signature=abc', undefined],
    ]);
    expect(received[1]).toMatchObject({ contentType: 'image/png', contentLength: '3', body: 'abc' });
  });

  it('sends a Blob under the signed type, not its own', async () => {
    answers['PUT /users/u-1/image/signed-url'] = { status: 200, body: signedFor('/bucket/u1.gif') };
    const blob = new Blob(['GIF89a'], { type: 'text/plain' });
    await createClient({ baseURL }).users.uploadImage('u-1', blob, 'image/gif');
    expect(received[0]!.url).toBe('/users/u-1/image/signed-url?fileType=image%2Fgif&fileSize=6');
    expect(received[1]).toMatchObject({ contentType: 'image/gif', contentLength: '6', body: 'GIF89a' });
  });

  it("turns the storage's XML refusal into an ApiError with its code and message", async () => {
    answers['PUT /users/u-1/image/signed-url'] = { status: 200, body: signedFor('/bucket/u1.png') };
    const xml = '<Error><Code>SignatureDoesNotMatch</Code><Message>The signature is wrong.</Message></Error>';
    answers['PUT /bucket/u1.png'] = { status: 403, body: xml, type: 'application/xml' };
    const error = await createClient({ baseURL })
      .users.uploadImage('u-1', new Uint8Array([1]), 'image/png')
      .catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status: 403,
      message: 'The image storage refused the upload (SignatureDoesNotMatch: The signature is wrong.).',
      body: xml,
    });
  });

  it('names the status when the storage refuses without an XML error', async () => {
    answers['PUT /users/u-1/image/signed-url'] = { status: 200, body: signedFor('/bucket/u1.png') };
    answers['PUT /bucket/u1.png'] = { status: 500, body: '', type: 'text/plain' };
    const error = await createClient({ baseURL })
      .users.uploadImage('u-1', new Uint8Array([1]), 'image/png')
      .catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ status: 500, message: 'The image storage refused the upload (status 500).' });
    expect((error as ApiError).body).toBeUndefined();
  });

  it('keeps only the XML message when the storage sends no code', async () => {
    answers['PUT /users/u-1/image/signed-url'] = { status: 200, body: signedFor('/bucket/u1.png') };
    answers['PUT /bucket/u1.png'] = { status: 400, body: '<Error><Message>Too big.</Message></Error>' };
    await expect(
      createClient({ baseURL }).users.uploadImage('u-1', new Uint8Array([1]), 'image/png'),
    ).rejects.toMatchObject({ status: 400, message: 'The image storage refused the upload (Too big.).' });
  });

  it('rejects with status 0 when the storage cannot be reached', async () => {
    answers['PUT /users/u-1/image/signed-url'] = {
      status: 200,
      body: { signedRequest: 'http://127.0.0.1:9/bucket/x', url: 'u', expiresAt: '' },
    };
    const error = await createClient({ baseURL })
      .users.uploadImage('u-1', new Uint8Array([1]), 'image/png')
      .catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 0, message: expect.stringMatching(/^The server could not be reached/) });
  });

  it("gives the upload to the storage the client's timeout", async () => {
    answers['PUT /users/u-1/image/signed-url'] = { status: 200, body: signedFor('/bucket/slow.png') };
    answers['PUT /bucket/slow.png'] = { status: 0, body: '' };
    await expect(
      createClient({ baseURL, timeout: 100 }).users.uploadImage('u-1', new Uint8Array([1]), 'image/png'),
    ).rejects.toMatchObject({ status: 0, message: 'The request timed out.' });
  });

  it('signImageUpload returns what the API signed', async () => {
    answers['PUT /users/u-1/image/signed-url'] = { status: 200, body: signedFor('/bucket/u1.webp') };
    expect(await createClient({ baseURL }).users.signImageUpload('u-1', 'image/webp', 1234)).toEqual(
      signedFor('/bucket/u1.webp'),
    );
    expect(received[0]!.url).toBe('/users/u-1/image/signed-url?fileType=image%2Fwebp&fileSize=1234');
  });
});

describe('createClient', () => {
  it('keeps its base URL and times requests out after the given timeout', async () => {
    const client = createClient({ baseURL, timeout: 50 });
    expect(client.baseURL).toBe(baseURL);
    answers['GET /'] = { status: 0, body: '' };
    await expect(client.jobs.search()).rejects.toMatchObject({ status: 0, message: 'The request timed out.' });
  });

  it('stops telling a listener once it unsubscribes', () => {
    const client = createClient({ baseURL });
    const seen: (string | null)[] = [];
    const unsubscribe = client.onTokenChange((token) => seen.push(token));
    client.storage.set('a');
    unsubscribe();
    client.storage.clear();
    expect(seen).toEqual(['a']);
  });
});

describe('readTokenPayload', () => {
  it('reads sub and exp, base64url with or without padding', () => {
    expect(readTokenPayload(tokenWith({ sub: 'u-1', exp: 1700000000, role: 'admin' }))).toEqual({
      sub: 'u-1',
      exp: 1700000000,
    });
    // "?>" and "~~" encode to '-' and '_' in base64url.
    expect(readTokenPayload(tokenWith({ sub: '?>~~', exp: 2 }))).toEqual({ sub: '?>~~', exp: 2 });
    expect(readTokenPayload(tokenWith({ sub: 'a' }))).toEqual({ sub: 'a' });
  });

  it('leaves out claims of the wrong type and answers {} for what is not a JWT payload', () => {
    expect(readTokenPayload(tokenWith({ sub: 1, exp: '2' }))).toEqual({});
    expect(readTokenPayload(tokenWith(null))).toEqual({});
    expect(readTokenPayload(tokenWith(7))).toEqual({});
    expect(readTokenPayload('no-dots')).toEqual({});
    expect(readTokenPayload('a..c')).toEqual({});
    expect(readTokenPayload('a.%%%.c')).toEqual({});
  });
});

describe('isTokenExpired', () => {
  const token = tokenWith({ exp: 1000 });
  it('is expired from the second of exp on, by the given clock', () => {
    expect(isTokenExpired(token, 999_999)).toBe(false);
    expect(isTokenExpired(token, 1_000_000)).toBe(true);
    expect(isTokenExpired(token, 1_000_001)).toBe(true);
  });

  it('never expires a token without exp, and reads the clock by default', () => {
    expect(isTokenExpired(tokenWith({ sub: 'x' }), Number.MAX_SAFE_INTEGER)).toBe(false);
    expect(isTokenExpired(token)).toBe(true);
    expect(isTokenExpired(tokenWith({ exp: Date.now() / 1000 + 3600 }))).toBe(false);
  });
});
