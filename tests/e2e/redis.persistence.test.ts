import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../config/schema';
import { freePort, startRedisServer, type LocalService } from '../../devtools/localStack';
import { createServer } from '../../index';
import type { AppLogger } from '../../libraries/appLogger';
import { persistenceWarning } from '../../libraries/redis';
import { testConfigValues } from '../harness/testServer';

/** Starts a server against a Redis on `redisPort` and returns the warnings it logged at start-up. */
async function startUpWarnings(directory: string, redisPort: number): Promise<string[]> {
  const warnings: string[] = [];
  const logger: AppLogger = {
    info: () => undefined,
    warn: (message) => warnings.push(message),
    error: () => undefined,
  };
  const server = await createServer(parseConfig(testConfigValues(directory, { redis_port: redisPort }), 'test'), {
    logger,
  });
  await server.close(1000);
  return warnings;
}

describe('the Redis persistence check at start-up', () => {
  let directory: string;
  let durable: LocalService;
  let forgetful: LocalService;
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'node-jobs-persistence-'));
    [durable, forgetful] = await Promise.all([
      freePort().then((port) => startRedisServer({ port, dataDirectory: join(directory, 'redis') })),
      freePort().then((port) => startRedisServer({ port })),
    ]);
  });
  afterAll(async () => {
    await Promise.allSettled([durable.stop(), forgetful.stop()]);
    await rm(directory, { recursive: true, force: true });
  });

  it('warns when Redis keeps nothing on disk, since a restart would bring logged-out tokens back', async () => {
    const warnings = await startUpWarnings(directory, forgetful.port);
    expect(warnings.some((warning) => /Redis keeps nothing on disk/.test(warning))).toBe(true);
  });

  it('says nothing about a Redis run as dev runs it (append-only file, fsync every second)', async () => {
    const warnings = await startUpWarnings(directory, durable.port);
    expect(warnings.filter((warning) => /Redis/.test(warning))).toEqual([]);
  });

  it('warns about an eviction policy that may drop revoked tokens, not about noeviction or volatile-*', () => {
    const onDisk = { appendOnly: true, snapshots: false };
    expect(persistenceWarning({ ...onDisk, evictionPolicy: 'allkeys-lru' })).toMatch(/allkeys-lru/);
    expect(persistenceWarning({ ...onDisk, evictionPolicy: 'noeviction' })).toBeUndefined();
    expect(persistenceWarning({ ...onDisk, evictionPolicy: 'volatile-ttl' })).toBeUndefined();
    expect(persistenceWarning({ appendOnly: false, snapshots: true, evictionPolicy: 'noeviction' })).toBeUndefined();
  });
});
