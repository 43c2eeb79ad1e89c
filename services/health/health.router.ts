import { z } from 'zod';
import type { ErrorBody, HealthReport } from '../../client/types';
import { JsonBytesCache } from '../../http/cachedJson';
import type { Request, Response } from 'express';
import { answeredAs, DocumentedRouter, type RouteDocs } from '../../http/openapi';
import { readsPath } from '../../http/frontDoor';
import { HttpError } from '../../libraries/errors';

const checkSchema = z.object({ ok: z.boolean(), error: z.string().optional() });
export const healthSchema = z.object({
  status: z.enum(['ok', 'degraded']),
  checks: z.object({ dynamodb: checkSchema, redis: checkSchema }),
  hasError: z.literal(1).optional(),
  error: z.string().optional(),
  code: z.literal('service_unavailable').optional(),
});

const checkTimeoutMs = 2000;
/** Seconds a client of a 503 is told to wait before asking again (as every other 503 of the API). */
const retryAfterS = 5;
/** How long one round of probes answers every `/healthz` (a load balancer polling it costs nothing). */
const probeReuseMs = 1000;

async function check(probe: () => Promise<void>): Promise<{ ok: boolean; error?: string }> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      probe(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), checkTimeoutMs);
      }),
    ]);
    return { ok: true };
  } catch (error) {
    // Says which check failed, never how: raw errors name hosts and ports. An HttpError's message
    // is written for clients (a table is missing).
    const timedOut = error instanceof Error && error.message === 'timeout';
    if (timedOut) return { ok: false, error: `no answer within ${checkTimeoutMs} ms` };
    return { ok: false, error: error instanceof HttpError ? error.message : 'does not answer' };
  } finally {
    clearTimeout(timer);
  }
}

/** A shared run of probes (see `reusedFor`). */
interface Reused<T> {
  (): Promise<T>;
  /** The value of the last run while it is still reused, undefined when a call would start a new run or wait for one. */
  fresh(): T | undefined;
}

/**
 * Shares one run of `work` between every caller from its start until `ms` after it ended, so a
 * change (a service going down) shows within `ms` of the probe that sees it.
 */
function reusedFor<T>(ms: number, work: () => Promise<T>): Reused<T> {
  let current: Promise<T> | undefined;
  let value: { of: T } | undefined;
  let endedAt = 0;
  let running = false;
  const reused = () => {
    if (current && (running || performance.now() - endedAt < ms)) return current;
    running = true;
    value = undefined;
    current = work()
      .then((result) => {
        value = { of: result };
        return result;
      })
      .finally(() => {
        running = false;
        endedAt = performance.now();
      });
    return current;
  };
  reused.fresh = () => (!running && value && performance.now() - endedAt < ms ? value.of : undefined);
  return reused;
}

/** What `/healthz` probes: anything that answers `ping()` (DynamoDB's also checks that every table is there). */
export interface HealthRouterDependencies {
  dynamoose: { ping(): Promise<void> };
  redis: { ping(): Promise<void> };
}

type Health = HealthReport | (HealthReport & ErrorBody);

/**
 * The health of the API: one round of probes answers every `/healthz` for `probeReuseMs` (a load
 * balancer polling it costs nothing), from the router or, while the round is fresh, from memory.
 */
export class HealthReports {
  // One report per round of probes: the same object, so its JSON is written once per round.
  private readonly probe: Reused<Health>;
  private readonly responses = new JsonBytesCache();

  constructor(services: HealthRouterDependencies) {
    this.probe = reusedFor(probeReuseMs, async () =>
      report(await Promise.all([check(() => services.dynamoose.ping()), check(() => services.redis.ping())])),
    );
  }

  /** Answers with the report of a fresh round of probes, waiting for one when the last is too old. */
  async send(req: Request, res: Response): Promise<void> {
    this.sendReport(await this.probe(), req, res);
  }

  /** The memory answer of `frontDoor`: `GET /healthz` while the last round is fresh. */
  readonly answer = (req: Request, res: Response): boolean => {
    if (!readsPath(req, '/healthz')) return false;
    const health = this.probe.fresh();
    if (!health) return false;
    answeredAs(res, '/healthz');
    this.sendReport(health, req, res);
    return true;
  };

  private sendReport(health: Health, req: Request, res: Response): void {
    if (health.status === 'ok') return this.responses.send(req, res, health);
    res.status(503).set('Retry-After', String(retryAfterS)).json(health);
  }
}

/** `GET /healthz`: 200 when DynamoDB (with every table) and Redis answer, 503 with `Retry-After` otherwise. */
export function createHealthRouter(reports: HealthReports): DocumentedRouter {
  const docs: RouteDocs = {
    summary: 'Health of the API and its services',
    tag: 'health',
    responses: {
      200: { description: 'DynamoDB (every table) and Redis answer.', schema: healthSchema },
      503: {
        description: 'DynamoDB or Redis does not answer, or a table is missing.',
        schema: healthSchema,
        headers: { 'Retry-After': 'Seconds to wait before asking again.' },
      },
    },
  };
  return new DocumentedRouter().get('/', { docs }, (_input, req, res) => reports.send(req, res));
}

type Check = Awaited<ReturnType<typeof check>>;

/** The report of one round of probes: `ok`, or `degraded` with an error body naming what fails. */
function report([dynamodb, redis]: [Check, Check]): Health {
  const checks = { dynamodb, redis };
  const failing = Object.entries(checks)
    .filter(([, result]) => !result.ok)
    .map(([name]) => name);
  if (failing.length === 0) return { status: 'ok', checks };
  // Still an error body, so clients that only read `error` understand it.
  return {
    status: 'degraded',
    checks,
    hasError: 1,
    error: `Unavailable: ${failing.join(', ')}.`,
    code: 'service_unavailable',
  };
}
