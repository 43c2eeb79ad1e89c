import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../client';
import { freePort, waitUntil } from '../../devtools/localStack';
import { exited, spawnCli, waitForLine } from '../harness/cli';
import { signUp } from '../harness/users';

/** One `node-jobs dev` in a folder of its own, as in a second clone of the project. */
interface Dev {
  child: ChildProcessWithoutNullStreams;
  url: string;
  cwd: string;
  output: () => string;
}

/** Starts `dev -p <free port>` with its default service ports (8100, 4569, 6379, or free ones when those are taken). */
async function startDev(): Promise<Dev> {
  const cwd = await mkdtemp(join(tmpdir(), 'node-jobs-dev-'));
  const child = spawnCli(['dev', '-p', String(await freePort())], { cwd });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const [, url] = await waitForLine(child, /node-jobs API: (http:\/\/\S+?)\/?\n/, 240_000);
  return { child, url: url!, cwd, output: () => output };
}

/** The services a running dev told the CLI about (storage/dev/endpoints.json). */
async function servicesOf(dev: Dev): Promise<Record<string, unknown>> {
  const file = await readFile(join(dev.cwd, 'storage', 'dev', 'endpoints.json'), 'utf8');
  return (JSON.parse(file) as { settings: Record<string, unknown> }).settings;
}

const healthy = (dev: Dev) => async () => (await fetch(`${dev.url}/healthz`)).status === 200;

describe('two node-jobs dev side by side, on two ports', () => {
  let first: Dev | undefined;
  let second: Dev | undefined;

  beforeAll(async () => {
    first = await startDev();
    second = await startDev();
  }, 600_000);

  afterAll(async () => {
    for (const dev of [first, second]) {
      if (!dev) continue;
      if (dev.child.exitCode === null) {
        dev.child.kill('SIGINT');
        await exited(dev.child);
      }
      await rm(dev.cwd, { recursive: true, force: true });
    }
  }, 60_000);

  it('each run their own DynamoDB Local, Redis and S3, and both answer', async () => {
    const [a, b] = [first!, second!];
    const [servicesA, servicesB] = [await servicesOf(a), await servicesOf(b)];
    expect(servicesB.dynamodb_endpoint).not.toBe(servicesA.dynamodb_endpoint);
    expect(servicesB.s3_endpoint).not.toBe(servicesA.s3_endpoint);
    // A Redis that the first dev started ends with it: the second must not lean on it.
    if (/^redis-server: /m.test(a.output())) expect(servicesB.redis_port).not.toBe(servicesA.redis_port);
    await waitUntil(healthy(a), 60_000, 'the first dev to be healthy');
    await waitUntil(healthy(b), 60_000, 'the second dev to be healthy');
    for (const dev of [a, b]) {
      const jobs = await createClient({ baseURL: dev.url }).jobs.search({ location: 'Berlin' });
      expect(jobs.length).toBeGreaterThan(0);
    }
  });

  it('keeps the second working when the first stops', async () => {
    const [a, b] = [first!, second!];
    const client = createClient({ baseURL: b.url });
    const { credentials } = await signUp(client);

    a.child.kill('SIGINT');
    expect((await exited(a.child)).code).toBe(0);

    await waitUntil(healthy(b), 30_000, 'the second dev to stay healthy');
    const { data } = await createClient({ baseURL: b.url }).sessions.login(credentials);
    expect(data.email).toBe(credentials.email);
    await client.sessions.logout();
  });
});
