import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDevServices, removeDevServices, writeDevServices } from '../../commands/support/devServices';
import { parseConfig } from '../../config/schema';

let directory: string;
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'dev-services-'));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

const devConfig = parseConfig({
  app_key: 'a-development-key-that-is-long-enough-1234',
  dynamodb_endpoint: 'http://localhost:8100',
  s3_endpoint: 'http://localhost:4570',
  redis_port: 6390,
  redis_password: 'local-secret',
});

/** The pid of a process that has ended. */
const endedPid = () => spawnSync(process.execPath, ['-e', '']).pid;

describe("a running dev's services file", () => {
  it("holds what reaches dev's services, for this user only, and nothing else", async () => {
    const file = join(directory, 'storage', 'dev', 'endpoints.json');
    await writeDevServices(devConfig, file);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readDevServices({}, file)).toStrictEqual({
      aws_region: 'eu-central-1',
      dynamodb_endpoint: 'http://localhost:8100',
      dynamodb_table_prefix: 'nodeLessons-',
      redis_host: '127.0.0.1',
      redis_port: 6390,
      redis_password: 'local-secret',
      redis_key_prefix: 'nodeLessons-',
      s3_endpoint: 'http://localhost:4570',
      s3_bucket: 'nodelessons-profile-images',
    });
    const written = JSON.parse(await readFile(file, 'utf8')) as { settings: Record<string, unknown> };
    expect(written.settings).not.toHaveProperty('app_key');
  });

  it('is ignored in production', async () => {
    const file = join(directory, 'production.json');
    await writeDevServices(devConfig, file);
    expect(await readDevServices({ NODE_ENV: 'production' }, file)).toBeUndefined();
    expect(await readDevServices({ NODE_ENV: 'development' }, file)).toMatchObject({ redis_port: 6390 });
  });

  it('is ignored when the dev that wrote it no longer runs, when missing or unreadable', async () => {
    const stale = join(directory, 'stale.json');
    await writeFile(stale, JSON.stringify({ pid: endedPid(), settings: { redis_port: 6390 } }));
    expect(await readDevServices({}, stale)).toBeUndefined();
    expect(await readDevServices({}, join(directory, 'missing.json'))).toBeUndefined();
    const broken = join(directory, 'broken.json');
    await writeFile(broken, '{ "pid": ');
    expect(await readDevServices({}, broken)).toBeUndefined();
  });

  it('sets no key beyond the services, whatever the file says', async () => {
    const file = join(directory, 'extra.json');
    await writeFile(
      file,
      JSON.stringify({ pid: process.pid, settings: { app_key: 'x'.repeat(40), port: 1, redis_port: 6391 } }),
    );
    expect(await readDevServices({}, file)).toStrictEqual({ redis_port: 6391 });
  });

  it('is removed by the dev that wrote it only', async () => {
    const own = join(directory, 'own.json');
    await writeDevServices(devConfig, own);
    removeDevServices(own);
    expect(existsSync(own)).toBe(false);
    const other = join(directory, 'other.json');
    await writeFile(other, JSON.stringify({ pid: endedPid(), settings: {} }));
    removeDevServices(other);
    expect(existsSync(other)).toBe(true);
  });
});
