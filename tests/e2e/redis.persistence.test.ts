import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { parseConfig } from '../../config/schema';
import { freePort, startRedisServer, type LocalService } from '../../devtools/localStack';
import { createServer } from '../../index';
import type { AppLogger } from '../../libraries/appLogger';
import { evictionProblem, persistenceWarning } from '../../libraries/redis';
import { localS3Credentials } from '../../libraries/s3client';
import { testConfigValues } from '../harness/testServer';

/** Creates a bucket on the shared local S3, as `node-jobs provision` would. */
async function createBucket(bucket: string): Promise<void> {
  const s3 = new S3Client({
    region: 'eu-central-1',
    endpoint: inject('stack').s3Endpoint,
    forcePathStyle: true,
    credentials: { ...localS3Credentials },
  });
  try {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  } finally {
    s3.destroy();
  }
}

/**
 * Starts a server against a Redis on `redisPort` in `env` and returns the warnings it logged at
 * start-up; rejects when start-up fails.
 */
async function startUpWarnings(directory: string, redisPort: number, env = 'test'): Promise<string[]> {
  const warnings: string[] = [];
  const logger: AppLogger = {
    info: () => undefined,
    warn: (message) => warnings.push(message),
    error: () => undefined,
  };
  // Production creates no tables by default; the isolated prefix has none yet.
  const values = testConfigValues(directory, {
    redis_port: redisPort,
    dynamodb_create_tables: true,
    cors_origin: 'https://app.example.com',
  });
  // In production the bucket is only checked (provision makes it): it must exist before the Redis check is reached.
  if (env === 'production') await createBucket(String(values.s3_bucket));
  const server = await createServer(parseConfig(values, env), { logger });
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

  it('warns about a Redis that keeps nothing on disk, not about one with an append-only file or snapshots', () => {
    expect(persistenceWarning({ appendOnly: false, snapshots: false })).toMatch(/appendonly yes/);
    expect(persistenceWarning({ appendOnly: true, snapshots: false })).toBeUndefined();
    expect(persistenceWarning({ appendOnly: false, snapshots: true })).toBeUndefined();
  });

  it('finds every eviction policy but noeviction a problem, volatile-* ones included, naming maxmemory-policy', () => {
    for (const policy of ['allkeys-lru', 'allkeys-random', 'volatile-lru', 'volatile-ttl', 'volatile-lfu'])
      expect(evictionProblem(policy), policy).toMatch(new RegExp(`maxmemory-policy ${policy}\\b.*noeviction`));
    expect(evictionProblem('noeviction')).toBeUndefined();
  });
});

describe('a Redis that may evict revocation data (maxmemory-policy volatile-lru)', () => {
  let directory: string;
  let evicting: LocalService;
  let evictingWithoutConfig: LocalService;
  let evictingUnreadable: LocalService;
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'node-jobs-eviction-'));
    const volatileLru = ['--maxmemory-policy', 'volatile-lru'];
    [evicting, evictingWithoutConfig, evictingUnreadable] = await Promise.all([
      freePort().then((port) => startRedisServer({ port, dataDirectory: join(directory, 'redis'), args: volatileLru })),
      // Managed Redis (ElastiCache, MemoryDB) refuses CONFIG but answers INFO.
      freePort().then((port) => startRedisServer({ port, args: [...volatileLru, '--rename-command', 'CONFIG', ''] })),
      // A user that may run neither CONFIG nor INFO: nothing can be read.
      freePort().then((port) =>
        startRedisServer({
          port,
          args: [...volatileLru, '--user', 'default', 'on', 'nopass', '~*', '&*', '+@all', '-config', '-info'],
        }),
      ),
    ]);
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });
  afterAll(async () => {
    await Promise.allSettled([evicting, evictingWithoutConfig, evictingUnreadable].map((redis) => redis?.stop()));
    await rm(directory, { recursive: true, force: true });
  });

  /** Production takes its AWS credentials from the standard chain: s3rver's own (DynamoDB Local takes any). */
  const asProduction = () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', localS3Credentials.accessKeyId);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', localS3Credentials.secretAccessKey);
    return 'production';
  };

  it('stops start-up in production with a message naming maxmemory-policy and noeviction', async () => {
    await expect(startUpWarnings(directory, evicting.port, asProduction())).rejects.toThrow(
      /maxmemory-policy volatile-lru\).*Set maxmemory-policy noeviction/,
    );
  });

  it('reads the policy from INFO memory when CONFIG is refused, and still stops start-up in production', async () => {
    await expect(startUpWarnings(directory, evictingWithoutConfig.port, asProduction())).rejects.toThrow(
      /maxmemory-policy volatile-lru/,
    );
  });

  it('only warns outside production, and the server starts', async () => {
    const warnings = await startUpWarnings(directory, evicting.port, 'development');
    expect(warnings.filter((warning) => /maxmemory-policy/.test(warning))).toEqual([
      expect.stringMatching(/maxmemory-policy volatile-lru\).*Set maxmemory-policy noeviction/),
    ]);
  });

  it('says nothing when neither CONFIG nor INFO may be read, and the server starts in production', async () => {
    const warnings = await startUpWarnings(directory, evictingUnreadable.port, asProduction());
    expect(warnings.filter((warning) => /maxmemory-policy/.test(warning))).toEqual([]);
  });
});
