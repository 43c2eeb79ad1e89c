import { createServer, type RequestListener, type Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Job } from '../../client/types';
import { frontDoor, type MemoryAnswer } from '../../http/frontDoor';
import { routePatternOf } from '../../http/openapi';
import { LatestResult } from '../../libraries/dataLogger';
import { createHealthRouter, HealthReports } from '../../services/health/health.router';
import { CachedSearchAnswers } from '../../services/jobs/jobs.cachedAnswer';
import { JobsService } from '../../services/jobs/jobs.service';
import type { JobQuery, JobsProvider } from '../../services/jobs/providers/provider';
import { fakeJob } from '../harness/jobs';

/** A board in memory that counts its calls. */
class CountingBoard implements JobsProvider {
  readonly name = 'counting';
  calls = 0;
  upstreamKey(query: JobQuery): string {
    return (query.location ?? '').toLowerCase();
  }
  search(query: JobQuery): Promise<Job[]> {
    this.calls++;
    return Promise.resolve([fakeJob(`${query.location}-1`, { location: query.location ?? '' })]);
  }
}

const quietLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

let server: Server | undefined;
let directory: string;
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'front-door-'));
});
afterEach(async () => {
  vi.useRealTimers();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
  await rm(directory, { recursive: true, force: true });
});

async function listen(listener: RequestListener): Promise<string> {
  server = createServer(listener);
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** What every request passes through in these tests: a header, and the pattern the metrics would read. */
const patterns: (string | undefined)[] = [];
const marked: RequestHandler = (_req, res, next) => {
  res.setHeader('X-Step', 'ran');
  res.once('finish', () => patterns.push(routePatternOf(res)));
  next();
};
// eslint-disable-next-line @typescript-eslint/no-unused-vars -- Express tells an error handler by its four parameters.
const errorHandler: ErrorRequestHandler = (error: Error, _req, res, _next) => {
  res.status(418).json({ hasError: 1, error: error.message });
};

describe('frontDoor with the cached searches', () => {
  /** An app with a `GET /` that does what the jobs route does (validate, search, save, send) and counts its runs. */
  function searchApp(cacheTtlMs = 300_000) {
    const board = new CountingBoard();
    const jobs = new JobsService(board, { cacheTtlMs, timeoutMs: 5000 }, quietLogger);
    const latestResult = new LatestResult(join(directory, 'data.json'));
    const cachedSearches = new CachedSearchAnswers({ jobs, latestResult });
    const state = { routeRuns: 0 };
    const app = express().get('/', async (req, res) => {
      state.routeRuns++;
      const query: JobQuery = { location: req.query.location as string, fullTime: false };
      cachedSearches.validated(req.originalUrl, query);
      const found = await jobs.search(query);
      await latestResult.save(found);
      cachedSearches.responses.send(req, res, found);
    });
    app.use(errorHandler);
    const listener = frontDoor({ app, steps: [marked], answers: [cachedSearches.answer], onError: errorHandler });
    return { listener, state, board };
  }

  it('answers a repeated search from memory with the route’s bytes, ETag and headers, and 304 for its ETag', async () => {
    const { listener, state } = searchApp();
    const url = await listen(listener);
    patterns.length = 0;
    const first = await fetch(`${url}/?location=Berlin`);
    const body = await first.text();
    expect(state.routeRuns).toBe(1);

    const second = await fetch(`${url}/?location=Berlin`);
    expect(state.routeRuns).toBe(1);
    expect(await second.text()).toBe(body);
    expect(second.headers.get('etag')).toBe(first.headers.get('etag'));
    expect(second.headers.get('x-step')).toBe('ran');
    expect(second.headers.get('content-type')).toBe('application/json; charset=utf-8');
    // The metrics and the error handler read the route's pattern: the memory answer names it too.
    expect(patterns).toEqual([undefined, '/']);

    const head = await fetch(`${url}/?location=Berlin`, { method: 'HEAD' });
    expect([head.status, await head.text(), head.headers.get('content-length')]).toEqual([
      200,
      '',
      String(body.length),
    ]);
    const notModified = await fetch(`${url}/?location=Berlin`, {
      headers: { 'If-None-Match': first.headers.get('etag')! },
    });
    expect([notModified.status, await notModified.text()]).toEqual([304, '']);
    expect(state.routeRuns).toBe(1);
  });

  it('leaves to the route a query string it has not seen validated, another path, and another method', async () => {
    const { listener, state } = searchApp();
    const url = await listen(listener);
    await fetch(`${url}/?location=Berlin`);
    await fetch(`${url}/?location=Berlin&fullTime=true`);
    expect(state.routeRuns).toBe(2);
    expect((await fetch(`${url}/x?location=Berlin`)).status).toBe(404);
    expect((await fetch(`${url}/?location=Berlin`, { method: 'POST' })).status).toBe(404);
    expect(state.routeRuns).toBe(2);
  });

  it('leaves to the route a result data_file does not hold yet, which the route then saves before it answers', async () => {
    const { listener, state } = searchApp();
    const url = await listen(listener);
    const berlin = await (await fetch(`${url}/?location=Berlin`)).text();
    await fetch(`${url}/?location=Paris`);
    const again = await fetch(`${url}/?location=Berlin`);
    expect(await again.text()).toBe(berlin);
    expect(state.routeRuns).toBe(3);
    await fetch(`${url}/?location=Berlin`);
    expect(state.routeRuns).toBe(3);
  });

  it('leaves to the route a search whose cached result is stale, so that the board is asked again', async () => {
    const { listener, state, board } = searchApp(0);
    const url = await listen(listener);
    await fetch(`${url}/?location=Berlin`);
    await fetch(`${url}/?location=Berlin`);
    expect(state.routeRuns).toBe(2);
    expect(board.calls).toBe(2);
  });

  it('hands an error of a step to the error handler, and never reaches the router or a memory answer', async () => {
    let answered = 0;
    const answer: MemoryAnswer = () => (answered++, false);
    const failing: RequestHandler = (_req, _res, next) => next(new Error('the step failed'));
    const app = express().get('/', (_req, res) => void res.json({ routed: true }));
    const url = await listen(frontDoor({ app, steps: [failing], answers: [answer], onError: errorHandler }));
    const response = await fetch(`${url}/`);
    expect([response.status, await response.json()]).toEqual([418, { hasError: 1, error: 'the step failed' }]);
    expect(answered).toBe(0);
  });
});

describe('frontDoor with the health reports', () => {
  it('answers GET /healthz from memory while the last round of probes is fresh, 503 with Retry-After when degraded (the failure is a mock: a service cannot be stopped for one probe)', async () => {
    // Only the clock the reports read is faked (performance.now).
    vi.useFakeTimers({ toFake: ['performance'] });
    const pings = { dynamodb: 0, redis: 0 };
    let redisDown = true;
    const reports = new HealthReports({
      dynamoose: { ping: () => (pings.dynamodb++, Promise.resolve()) },
      redis: { ping: () => (pings.redis++, redisDown ? Promise.reject(new Error('mock')) : Promise.resolve()) },
    });
    let routed = 0;
    const app = express().use('/healthz', (req, res, next) => (routed++, next()), createHealthRouter(reports).router);
    const url = await listen(frontDoor({ app, steps: [marked], answers: [reports.answer], onError: errorHandler }));

    const first = await fetch(`${url}/healthz`);
    expect([first.status, routed]).toEqual([503, 1]);
    const second = await fetch(`${url}/healthz`);
    expect([second.status, routed, pings.redis]).toEqual([503, 1, 1]);
    expect(second.headers.get('retry-after')).toBe(first.headers.get('retry-after'));
    expect(second.headers.get('x-step')).toBe('ran');
    expect(await second.json()).toEqual(await first.json());

    redisDown = false;
    // Once the round is over a second old, the router probes again.
    vi.advanceTimersByTime(1100);
    const later = await fetch(`${url}/healthz`);
    expect([later.status, routed, pings.redis]).toEqual([200, 2, 2]);
    const cached = await fetch(`${url}/healthz`);
    expect([cached.status, routed, cached.headers.get('etag')]).toEqual([200, 2, later.headers.get('etag')]);
    vi.useRealTimers();
  });
});
