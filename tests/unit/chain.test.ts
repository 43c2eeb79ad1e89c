import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { describe, expect, it } from 'vitest';
import { chain } from '../../http/chain';

const request = {} as Request;
const response = {} as Response;

/** Runs a middleware and answers what it passed to `next`, once it did. */
function run(handler: RequestHandler): Promise<unknown[]> {
  return new Promise(
    (resolve) => void handler(request, response, ((...args: unknown[]) => resolve(args)) as NextFunction),
  );
}

describe('chain of middlewares', () => {
  it('runs every middleware in order, then calls next without an error', async () => {
    const seen: string[] = [];
    const mark =
      (name: string): RequestHandler =>
      (_req, _res, next) => {
        seen.push(name);
        next();
      };
    expect(await run(chain(mark('a'), mark('b'), mark('c')))).toEqual([]);
    expect(seen).toEqual(['a', 'b', 'c']);
  });

  it('waits for a middleware that calls next later', async () => {
    const seen: string[] = [];
    const later: RequestHandler = (_req, _res, next) => void setTimeout(() => (seen.push('later'), next()), 5);
    const after: RequestHandler = (_req, _res, next) => (seen.push('after'), next());
    await run(chain(later, after));
    expect(seen).toEqual(['later', 'after']);
  });

  it('passes an error on and skips the rest, whether given to next or thrown', async () => {
    const failure = new Error('bad body');
    let reached = false;
    const rest: RequestHandler = (_req, _res, next) => ((reached = true), next());
    expect(await run(chain((_req, _res, next) => next(failure), rest))).toEqual([failure]);
    expect(
      await run(
        chain(() => {
          throw failure;
        }, rest),
      ),
    ).toEqual([failure]);
    expect(reached).toBe(false);
  });

  it('ends without calling next when a middleware answers', async () => {
    let nextCalled = false;
    const answers: RequestHandler = () => undefined;
    chain(answers)(request, response, () => (nextCalled = true));
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(nextCalled).toBe(false);
  });
});
