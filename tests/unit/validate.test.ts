import type { NextFunction, Request, Response } from 'express';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { valid, validate } from '../../http/validate';

const schema = z.strictObject({ page: z.coerce.number().int().min(1) });

/** Runs the middleware on a request for `url` with `query` as Express would parse it. */
function run(middleware: ReturnType<typeof validate>, url: string, query: Record<string, unknown>) {
  let reads = 0;
  const req = {
    url,
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
    const value = valid(again.res, 'query', schema);
    expect(value).toEqual({ page: 2 });
    expect(value).toBe(valid(first.res, 'query', schema));
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
