import { Router } from 'express';
import type { ErrorBody, HealthReport } from '../../client/types';
import { dependency } from '../../libraries/dependencies';

const checkTimeoutMs = 2000;

async function check(probe: () => Promise<void>): Promise<{ ok: boolean; error?: string }> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      probe(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${checkTimeoutMs} ms`)), checkTimeoutMs);
      }),
    ]);
    return { ok: true };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

/** `GET /healthz`: 200 when DynamoDB and Redis answer, 503 otherwise. */
export function createHealthRouter(): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    const [dynamodb, redis] = await Promise.all([
      check(() => dependency(req.app, 'dynamooseClient').ping()),
      check(() => dependency(req.app, 'redisClient').ping()),
    ]);
    const checks = { dynamodb, redis };
    const failing = Object.entries(checks).filter(([, result]) => !result.ok).map(([name]) => name);
    if (failing.length === 0) return void res.json({ status: 'ok', checks } satisfies HealthReport);
    // Still an error body, so clients that only read `error` understand it.
    res.status(503).json({ status: 'degraded', checks, hasError: 1, error: `Unavailable: ${failing.join(', ')}.` } satisfies HealthReport & ErrorBody);
  });
  return router;
}
