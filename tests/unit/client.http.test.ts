import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AxiosError } from 'axios';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { ApiError, SocketError, isErrorBody } from '../../client/errors';
import { absoluteUrl, createHttp, toApiError } from '../../client/http';
import { LocalStorageAdapter, MemoryStorage, observeStorage, type WebStorageLike } from '../../client/storage';
import type { ErrorBody } from '../../client/types';
import { freePort } from '../../devtools/localStack';

/** A small HTTP server answering what each test asks, recording the Authorization headers it gets. */
let server: Server;
let baseURL: string;
const authorizations: (string | undefined)[] = [];
let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end();

beforeAll(async () => {
  server = createServer((req, res) => {
    authorizations.push(req.headers.authorization);
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const json = (status: number, body: unknown) => (_req: IncomingMessage, res: ServerResponse) => {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
};

describe("users' image URLs", () => {
  it('makes a root-relative image absolute like a request path, under any base path', () => {
    expect(absoluteUrl('http://127.0.0.1:3000', '/users/42/image')).toBe('http://127.0.0.1:3000/users/42/image');
    expect(absoluteUrl('https://example.com/api/', '/users/42/image')).toBe('https://example.com/api/users/42/image');
  });

  it('leaves absolute and protocol-relative URLs alone, and every URL without a baseURL', () => {
    expect(absoluteUrl('https://example.com', 'https://cdn.example.com/profile-images/42')).toBe(
      'https://cdn.example.com/profile-images/42',
    );
    expect(absoluteUrl('https://example.com', '//evil.example/x')).toBe('//evil.example/x');
    expect(absoluteUrl('', '/users/42/image')).toBe('/users/42/image');
  });

  it('resolves the image of every user in a { data } answer, one or a list, and nothing else', async () => {
    const http = createHttp(`${baseURL}/`, new MemoryStorage(), 5000);
    handler = json(200, { data: { id: '42', image: '/users/42/image' }, token: '/not/a/url' });
    expect((await http.get('/one')).data).toEqual({
      data: { id: '42', image: `${baseURL}/users/42/image` },
      token: '/not/a/url',
    });
    handler = json(200, {
      data: [
        { id: '1', image: '/users/1/image' },
        { id: '2', image: 'https://cdn.example.com/profile-images/2' },
      ],
      next: null,
    });
    expect((await http.get<{ data: unknown }>('/list')).data.data).toEqual([
      { id: '1', image: `${baseURL}/users/1/image` },
      { id: '2', image: 'https://cdn.example.com/profile-images/2' },
    ]);
    handler = json(200, { data: { location: '/berlin' }, image: '/x' });
    expect((await http.get('/other')).data).toEqual({ data: { location: '/berlin' }, image: '/x' });
  });
});

describe('createHttp', () => {
  it('sends the stored token as a Bearer token, and none when nothing is stored', async () => {
    handler = json(200, { ok: true });
    const storage = new MemoryStorage();
    const http = createHttp(baseURL, storage, 5000);
    await http.get('/a');
    storage.set('t0ken');
    expect((await http.get('/b')).data).toEqual({ ok: true });
    expect(authorizations.slice(-2)).toEqual([undefined, 'Bearer t0ken']);
  });

  it('keeps an Authorization header the caller set itself', async () => {
    handler = json(200, {});
    const storage = new MemoryStorage();
    storage.set('stored');
    await createHttp(baseURL, storage, 5000).get('/c', { headers: { Authorization: 'Bearer explicit' } });
    expect(authorizations.at(-1)).toBe('Bearer explicit');
  });

  it("rejects an error answer with an ApiError carrying the status, the server's message and the body", async () => {
    handler = json(422, { hasError: 1, error: 'The email is invalid.', code: 'email_taken' });
    const error = await createHttp(baseURL, new MemoryStorage(), 5000)
      .get('/d')
      .catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      name: 'ApiError',
      status: 422,
      code: 'email_taken',
      message: 'The email is invalid.',
      body: { hasError: 1, error: 'The email is invalid.', code: 'email_taken' },
    });
  });

  it('gives an error body without a code (an older server) the code of its status', async () => {
    handler = json(403, { hasError: 1, error: 'No.' });
    await expect(createHttp(baseURL, new MemoryStorage(), 5000).get('/d2')).rejects.toMatchObject({
      status: 403,
      code: 'forbidden',
      message: 'No.',
    });
  });

  it('names the status when the error body is not the API’s', async () => {
    handler = (_req, res) => res.writeHead(502, { 'content-type': 'text/html' }).end('<h1>Bad gateway</h1>');
    await expect(createHttp(baseURL, new MemoryStorage(), 5000).get('/e')).rejects.toMatchObject({
      status: 502,
      code: 'bad_gateway',
      message: 'Request failed with status 502.',
      body: '<h1>Bad gateway</h1>',
    });
  });

  it('keeps a JSON answer that is not the API’s error body as its text, and an empty one as no body', async () => {
    handler = json(500, { message: 'proxy says no' });
    await expect(createHttp(baseURL, new MemoryStorage(), 5000).get('/e2')).rejects.toMatchObject({
      status: 500,
      code: 'internal_error',
      body: '{"message":"proxy says no"}',
    });
    handler = (_req, res) => res.writeHead(404).end();
    const error = (await createHttp(baseURL, new MemoryStorage(), 5000)
      .get('/e3')
      .catch((thrown: unknown) => thrown)) as ApiError;
    expect(error).toMatchObject({ status: 404, code: 'not_found' });
    expect(error.body).toBeUndefined();
  });

  it('types the body as the API’s error body or text', () => {
    expectTypeOf<ApiError['body']>().toEqualTypeOf<ErrorBody | string | undefined>();
  });

  it('rejects with status 0 when the request times out', async () => {
    handler = () => undefined; // never answers
    await expect(createHttp(baseURL, new MemoryStorage(), 100).get('/f')).rejects.toMatchObject({
      status: 0,
      code: 'timeout',
      message: 'The request timed out.',
    });
  });

  it('rejects with status 0 naming the failure when nothing listens', async () => {
    const port = await freePort();
    const error = await createHttp(`http://127.0.0.1:${port}`, new MemoryStorage(), 5000)
      .get('/g')
      .catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status: 0,
      code: 'network_error',
      message: expect.stringMatching(/^The server could not be reached \(.*ECONNREFUSED.*\)\.$/),
    });
  });
});

describe('toApiError', () => {
  it('returns an ApiError unchanged', () => {
    const error = new ApiError(404, 'Not found.');
    expect(toApiError(error)).toBe(error);
  });

  it('wraps anything else with status 0 and its message', () => {
    expect(toApiError(new Error('boom'))).toMatchObject({ status: 0, message: 'boom' });
    expect(toApiError('plain text')).toMatchObject({ status: 0, message: 'plain text' });
    expect(toApiError(new AxiosError('socket hang up', 'ECONNRESET'))).toMatchObject({
      status: 0,
      message: 'The server could not be reached (socket hang up).',
    });
  });
});

describe('isErrorBody', () => {
  it('accepts only { hasError: 1, error: string }', () => {
    expect(isErrorBody({ hasError: 1, error: 'x' })).toBe(true);
    expect(isErrorBody({ hasError: 1, error: 'x', extra: true })).toBe(true);
    expect(isErrorBody({ hasError: true, error: 'x' })).toBe(false);
    expect(isErrorBody({ hasError: 1, error: 2 })).toBe(false);
    expect(isErrorBody({ hasError: 1 })).toBe(false);
    expect(isErrorBody(null)).toBe(false);
    expect(isErrorBody(Object.assign(() => undefined, { hasError: 1, error: 'x' }))).toBe(false);
    expect(isErrorBody('{"hasError":1,"error":"x"}')).toBe(false);
  });
});

describe('SocketError', () => {
  it('carries its code and message', () => {
    const error = new SocketError('forbidden', 'Only admins.');
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: 'SocketError', code: 'forbidden', message: 'Only admins.' });
  });
});

describe('token storages', () => {
  it('MemoryStorage keeps, returns and forgets a token', () => {
    const storage = new MemoryStorage();
    expect(storage.get()).toBeNull();
    storage.set('a');
    expect(storage.get()).toBe('a');
    storage.clear();
    expect(storage.get()).toBeNull();
  });

  it('LocalStorageAdapter keeps the token under its key in the given Web Storage', () => {
    const items = new Map<string, string>();
    const web: WebStorageLike = {
      getItem: (key) => items.get(key) ?? null,
      setItem: (key, value) => void items.set(key, value),
      removeItem: (key) => void items.delete(key),
    };
    const storage = new LocalStorageAdapter(undefined, web);
    expect(storage.get()).toBeNull();
    storage.set('tok');
    expect([...items]).toEqual([['node-jobs.token', 'tok']]);
    expect(storage.get()).toBe('tok');
    storage.clear();
    expect(items.size).toBe(0);
    new LocalStorageAdapter('custom', web).set('x');
    expect([...items]).toEqual([['custom', 'x']]);
  });

  it('LocalStorageAdapter refuses to work without a Web Storage', () => {
    expect(() => new LocalStorageAdapter()).toThrow(
      'LocalStorageAdapter needs a Web Storage (no localStorage in this environment).',
    );
  });

  it('observeStorage tells every listener of each set and clear until it unsubscribes', () => {
    const inner = new MemoryStorage();
    const storage = observeStorage(inner);
    const first: (string | null)[] = [];
    const second: (string | null)[] = [];
    const unsubscribe = storage.onChange((token) => first.push(token));
    storage.onChange((token) => second.push(token));
    storage.set('one');
    expect(inner.get()).toBe('one');
    expect(storage.get()).toBe('one');
    storage.clear();
    expect(inner.get()).toBeNull();
    unsubscribe();
    storage.set('two');
    expect(first).toEqual(['one', null]);
    expect(second).toEqual(['one', null, 'two']);
  });
});
