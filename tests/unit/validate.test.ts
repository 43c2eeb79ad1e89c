import type { NextFunction, Request, Response } from 'express';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { describeIssue, inputOf, requiredText, validate } from '../../http/validate';

const schema = z.strictObject({ page: z.coerce.number().int().min(1) });

/** Runs the middleware on a request for `url` with `query` as Express would parse it. */
function run(middleware: ReturnType<typeof validate>, url: string, query: Record<string, unknown>, body?: unknown) {
  let reads = 0;
  const req = {
    url,
    body,
    get query() {
      reads++;
      return query;
    },
  } as unknown as Request;
  const res = { locals: {} } as Response;
  let passed: unknown = 'not called';
  middleware(req, res, ((error?: unknown) => (passed = error)) as NextFunction);
  return { res, passed, reads };
}

describe('request validation', () => {
  it('answers a repeated valid query string from memory: the same frozen value, the query not parsed again', () => {
    const middleware = validate({ query: schema });
    const first = run(middleware, '/?page=2', { page: '2' });
    expect(first.passed).toBeUndefined();
    expect(first.reads).toBe(1);
    const again = run(middleware, '/?page=2', { page: '2' });
    expect(again.reads).toBe(0);
    const value = inputOf(again.res).query;
    expect(value).toEqual({ page: 2 });
    expect(value).toBe(inputOf(first.res).query);
    expect(Object.isFrozen(value)).toBe(true);
  });

  it('validates every invalid query string again and answers 422 each time', () => {
    const middleware = validate({ query: schema });
    for (let i = 0; i < 2; i++) {
      const { passed, reads } = run(middleware, '/?page=0', { page: '0' });
      expect(reads).toBe(1);
      expect(passed).toMatchObject({ status: 422 });
    }
  });

  it('keeps the values of the 256 most recent query strings only', () => {
    const middleware = validate({ query: schema });
    for (let page = 1; page <= 257; page++) run(middleware, `/?page=${page}`, { page: String(page) });
    expect(run(middleware, '/?page=1', { page: '1' }).reads).toBe(1);
    expect(run(middleware, '/?page=257', { page: '257' }).reads).toBe(0);
  });
});

describe('validation messages', () => {
  const body = z.strictObject({ user: z.strictObject({ email: requiredText() }) });
  const messageOf = (schema: z.ZodType, value: unknown, part: 'query' | 'body') => {
    const result = schema.safeParse(value);
    if (result.success) throw new Error('expected a failure');
    return describeIssue(result.error, part);
  };

  it('names the field by its path, and tells a missing text from a wrong type', () => {
    expect(messageOf(body, { user: {} }, 'body')).toBe('user.email: is required.');
    expect(messageOf(body, { user: { email: 5 } }, 'body')).toBe('user.email: must be a text value.');
  });

  it('calls unknown keys parameters in a query and fields in a body', () => {
    expect(messageOf(schema, { page: '1', sort: 'x', q: 'y' }, 'query')).toBe('Unknown parameter: sort, q.');
    expect(messageOf(body, { user: { email: 'a@b.c' }, admin: true }, 'body')).toBe('Unknown field: admin.');
  });

  it('names the part itself when the issue has no path, and says the part is invalid without an issue', () => {
    expect(messageOf(z.string(), 5, 'body')).toMatch(/^body: /);
    expect(describeIssue(new z.ZodError([]), 'query')).toBe('The query is invalid.');
  });

  it('answers 422 for a bad body and hands on the parsed body alone', () => {
    const middleware = validate({ body });
    expect(run(middleware, '/', {}, { user: {} }).passed).toMatchObject({
      status: 422,
      message: 'user.email: is required.',
    });
    const { res, passed } = run(middleware, '/', {}, { user: { email: 'a@b.c' } });
    expect(passed).toBeUndefined();
    expect(inputOf(res)).toEqual({ body: { user: { email: 'a@b.c' } } });
  });

  it('adds each validated part to the input of the request, one step after another', () => {
    const params = z.object({ id: z.string().max(3) });
    const req = { url: '/x', params: { id: 'abc' }, body: { user: { email: 'a@b.c' } } } as unknown as Request;
    const res = { locals: {} } as Response;
    const next = ((error?: unknown) => expect(error).toBeUndefined()) as NextFunction;
    validate({ params })(req, res, next);
    validate({ body })(req, res, next);
    expect(inputOf(res)).toEqual({ params: { id: 'abc' }, body: { user: { email: 'a@b.c' } } });
  });

  it('keys remembered queries by the whole query string: another string is validated anew', () => {
    const middleware = validate({ query: schema });
    run(middleware, '/list?page=2', { page: '2' });
    expect(run(middleware, '/other?page=2', { page: '2' }).reads).toBe(0);
    expect(run(middleware, '/list?page=20', { page: '20' }).reads).toBe(1);
    expect(run(middleware, '/list?page=2&', { page: '2' }).reads).toBe(1);
    // No query string at all is one key too.
    expect(run(middleware, '/list', {}).passed).toMatchObject({ status: 422 });
    expect(run(middleware, '/list', {}).reads).toBe(1);
  });
});
