import type { Request, RequestHandler, Response } from 'express';
import { routePatternOf } from './openapi';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** What the jobs service reports about its cache and upstream calls. */
export interface JobsObserver {
  /** A search was answered from the cache (`hit`) or needed the provider (`miss`). */
  cacheLookup(result: 'hit' | 'miss'): void;
  /** An upstream call finished. */
  upstreamCall(outcome: 'ok' | 'error'): void;
}

/** The server's Prometheus metrics, in a registry of its own (several servers share a process in tests). */
export interface Metrics extends JobsObserver {
  readonly registry: Registry;
  /** Express middleware timing every request by route pattern, method and status. */
  readonly middleware: RequestHandler;
  /** A token was revoked (logout). */
  revocation(): void;
  /** Reads the number of connected sockets at each scrape. */
  countSocketsWith(count: () => number): void;
  /** The Prometheus text exposition of every metric. */
  exposition(): Promise<{ contentType: string; body: string }>;
}

/**
 * The route pattern of a request (`/users/:id`), never its raw URL, so the label's values stay
 * few; a request no documented route matched is known by its router's mount path (the console's
 * static files) or as `unmatched`.
 */
function routeLabel(req: Request, res: Response): string {
  return routePatternOf(res) ?? (req.baseUrl || 'unmatched');
}

/**
 * Creates the metrics of one server: Node's default process metrics (event-loop lag, heap, CPU),
 * request durations by route and status, connected sockets, job cache hits and misses, upstream
 * calls, logins and revocations.
 */
export function createMetrics(): Metrics {
  const registry = new Registry();
  const registers = [registry];
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 10 });
  const requests = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Duration of HTTP requests, by route pattern, method and status.',
    labelNames: ['route', 'method', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers,
  });
  const cache = new Counter({
    name: 'jobs_cache_lookups_total',
    help: 'Job searches answered from the cache (hit) or not (miss).',
    labelNames: ['result'] as const,
    registers,
  });
  const upstream = new Counter({
    name: 'jobs_upstream_calls_total',
    help: 'Calls to the job board, by outcome.',
    labelNames: ['outcome'] as const,
    registers,
  });
  const logins = new Counter({
    name: 'logins_total',
    help: 'Logins, by result.',
    labelNames: ['result'] as const,
    registers,
  });
  const revocations = new Counter({ name: 'token_revocations_total', help: 'Tokens revoked (logouts).', registers });
  let sockets: () => number = () => 0;
  new Gauge({
    name: 'socketio_connected_sockets',
    help: 'Sockets connected to socket.io.',
    registers,
    collect() {
      this.set(sockets());
    },
  });
  for (const result of ['hit', 'miss'] as const) cache.inc({ result }, 0);
  for (const outcome of ['ok', 'error'] as const) upstream.inc({ outcome }, 0);
  for (const result of ['success', 'failure'] as const) logins.inc({ result }, 0);

  // One child per route, method and status, found by a string: no label object hashed per request.
  const timers = new Map<string, { observe(seconds: number): void }>();
  const timerOf = (route: string, method: string, status: number) => {
    const key = `${route} ${method} ${status}`;
    let timer = timers.get(key);
    if (!timer) timers.set(key, (timer = requests.labels({ route, method, status: String(status) })));
    return timer;
  };
  const middleware: RequestHandler = (req, res, next) => {
    const started = performance.now();
    res.once('finish', () => {
      const seconds = (performance.now() - started) / 1000;
      const route = routeLabel(req, res);
      timerOf(route, req.method, res.statusCode).observe(seconds);
      // A login is counted from its answer: 200 logged in, 401 wrong email or password.
      if (route === '/sessions' && req.method === 'POST' && (res.statusCode === 200 || res.statusCode === 401))
        logins.inc({ result: res.statusCode === 200 ? 'success' : 'failure' });
    });
    next();
  };

  return {
    registry,
    middleware,
    cacheLookup: (result) => cache.inc({ result }),
    upstreamCall: (outcome) => upstream.inc({ outcome }),
    revocation: () => revocations.inc(),
    countSocketsWith(count) {
      sockets = count;
    },
    exposition: async () => ({ contentType: registry.contentType, body: await registry.metrics() }),
  };
}
