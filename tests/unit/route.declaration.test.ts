import type { AddressInfo } from 'node:net';
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { DocumentedRouter, withInput, type RouteDocs } from '../../http/openapi';
import { HttpError, forbidden, unauthenticated } from '../../libraries/errors';

const docs: RouteDocs = { summary: 'A thing', tag: 'docs', responses: { 200: 'The thing.' } };
const idSchema = z.string().max(5, 'must be at most 5 characters.');
const querySchema = z.strictObject({ page: z.string().regex(/^\d+$/, 'must be a number.').transform(Number) });
const bodySchema = z.strictObject({ name: z.string({ error: 'is required.' }) });

/** Steps the requests went through, in order. */
let steps: string[] = [];
const mark =
  (name: string, check?: (req: express.Request) => HttpError | undefined): RequestHandler =>
  (req, _res, next) => {
    steps.push(name);
    next(check?.(req));
  };
const authenticate = mark('authenticate', (req) => (req.get('authorization') ? undefined : unauthenticated()));
const permission = mark('permission', (req) => (req.params.id === 'other' ? forbidden() : undefined));

const things = new DocumentedRouter({ pathParameters: { id: idSchema }, authenticate })
  .get('/:id', { docs, auth: true }, permission, ({ params }, _req, res) => {
    steps.push('handler');
    res.json(params);
  })
  .put(
    '/:id',
    { docs, auth: true, schemas: { query: querySchema, body: bodySchema } },
    permission,
    withInput<{ query: { page: number } }>(({ query }, _req, _res, next) => {
      steps.push(`page ${query.page}`);
      next();
    }),
    (input, _req, res) => {
      steps.push('handler');
      res.json(input);
    },
  );

const errorHandler: ErrorRequestHandler = (error: HttpError, _req, res, next) => {
  if (res.headersSent) return next(error);
  res.status(error.status).json({ error: error.message });
};

let base: string;
let close: () => void;
beforeAll(async () => {
  const app = express().use(express.json()).use('/things', things.router).use(errorHandler);
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/things`;
  close = () => server.close();
});
afterAll(() => close());

async function call(method: string, path: string, options: { token?: boolean; body?: unknown } = {}) {
  steps = [];
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(options.token === false ? {} : { authorization: 'Bearer x' }),
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  return { status: response.status, body: (await response.json()) as unknown, steps };
}

describe('a route declared with its schemas', () => {
  it('hands the handler the parsed path, query and body', async () => {
    expect(await call('PUT', '/abc?page=2', { body: { name: 'n' } })).toEqual({
      status: 200,
      body: { params: { id: 'abc' }, query: { page: 2 }, body: { name: 'n' } },
      steps: ['authenticate', 'permission', 'page 2', 'handler'],
    });
  });

  it('validates the path parameters with the router’s schemas on a route that declares none', async () => {
    expect(await call('GET', '/abc')).toMatchObject({ status: 200, body: { id: 'abc' } });
    expect(await call('GET', '/abcdef')).toEqual({
      status: 422,
      body: { error: 'id: must be at most 5 characters.' },
      steps: ['authenticate'],
    });
  });

  it('authenticates first: 401 before any 422', async () => {
    for (const [method, path, body] of [
      ['GET', '/abcdef', undefined],
      ['PUT', '/abcdef?page=x', {}],
    ] as const)
      expect(await call(method, path, { token: false, body })).toMatchObject({
        status: 401,
        steps: ['authenticate'],
      });
  });

  it('checks the path before the middlewares and the query and body after them', async () => {
    expect(await call('PUT', '/other?page=x', { body: {} })).toMatchObject({
      status: 403,
      steps: ['authenticate', 'permission'],
    });
    expect(await call('PUT', '/abc?page=x', { body: { name: 'n' } })).toEqual({
      status: 422,
      body: { error: 'page: must be a number.' },
      steps: ['authenticate', 'permission'],
    });
    expect(await call('PUT', '/abc?page=1', { body: { name: 'n', admin: true } })).toMatchObject({
      status: 422,
      body: { error: 'Unknown field: admin.' },
    });
  });
});

describe('declaring a route', () => {
  const handler = () => undefined;

  it('refuses a path parameter without a schema', () => {
    expect(() => new DocumentedRouter().get('/:id', { docs }, handler)).toThrow(
      'GET /:id: no schema for the path parameter id.',
    );
    expect(() =>
      new DocumentedRouter().get('/:id/:key', { docs, schemas: { params: z.object({ id: idSchema }) } }, handler),
    ).toThrow('GET /:id/:key: its params schema has no key.');
  });

  it('refuses a route that requires a token on a router that cannot authenticate', () => {
    expect(() => new DocumentedRouter().get('/', { docs, auth: true }, handler)).toThrow(
      'GET / requires a token, but its router has no authenticate.',
    );
  });

  it('refuses a middleware without the input after one with it (the validation sits between them)', () => {
    const withTheInput = withInput((_input, _req, _res, next) => next());
    expect(() => new DocumentedRouter().get('/', { docs }, withTheInput, permission, handler)).toThrow(
      'a middleware without the input follows one with it',
    );
  });

  it('types the handler’s input by the declared schemas (checked by tsc --noEmit)', () => {
    new DocumentedRouter({ pathParameters: { id: idSchema } }).put(
      '/:id/things',
      { docs, schemas: { query: querySchema, body: bodySchema } },
      (input) => {
        expectTypeOf(input.params).toEqualTypeOf<{ id: string }>();
        expectTypeOf(input.query).toEqualTypeOf<{ page: number }>();
        expectTypeOf(input.body).toEqualTypeOf<{ name: string }>();
        // @ts-expect-error the query's page is a number once parsed, not text
        const page: string = input.query.page;
        // @ts-expect-error the body has no such field
        void input.body.admin;
        void page;
      },
    );
    new DocumentedRouter().get('/', { docs }, (input) => {
      // @ts-expect-error a route that declares no body gets none
      void input.body;
    });
    new DocumentedRouter().get(
      '/',
      { docs, schemas: { query: z.object({ size: z.string() }) } },
      // @ts-expect-error a middleware needing a numeric page does not fit a route whose query has none
      withInput<{ query: { page: number } }>((_input, _req, _res, next) => next()),
      handler,
    );
  });
});
