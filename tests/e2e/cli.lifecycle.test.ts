import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer as createNetServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../client';
import { configKeys, exampleAppKey } from '../../config/schema';
import { freePort, waitUntil } from '../../devtools/localStack';
import { descendants, exited, isAlive, runCli, spawnCli, waitForLine, isolatedCliEnv } from '../harness/cli';
import { failure } from '../harness/failure';
import { signUp } from '../harness/users';
import { testAppKey } from '../harness/testServer';
import { startUpstream, type Upstream } from '../harness/upstream';

let cwd: string;
beforeAll(async () => {
  // A folder with no config/secrets.json, like a fresh checkout.
  cwd = await mkdtemp(join(tmpdir(), 'node-jobs-cli-'));
});
afterAll(async () => {
  await rm(cwd, { recursive: true, force: true });
});

describe('node-jobs serve start-up checks', () => {
  it('stops with a message naming app_key when it is missing', async () => {
    const result = await runCli(['serve', '--port', '0'], { cwd });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/"app_key".*required/);
  });

  it.each<Record<string, string>>([{}, { NODE_ENV: 'production' }, { NODE_ENV: 'development' }])(
    'refuses the example app_key in every environment (%o), naming the key',
    async (env) => {
      const result = await runCli(['serve', '--port', '0'], { cwd, env: { APP_KEY: exampleAppKey, ...env } });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/"app_key".*example/);
    },
  );

  it('names a bad value given on the command line', async () => {
    const result = await runCli(['serve', '--port', '0', '--jobs_timeout_ms', 'soon'], {
      cwd,
      env: { APP_KEY: testAppKey },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/"jobs_timeout_ms"/);
  });
});

describe('node-jobs command-line options', () => {
  // A closed Redis port: should an option be dropped, start-up still fails fast instead of using shared services.
  const settings = async () => ({ APP_KEY: testAppKey, REDIS_PORT: String(await freePort()) });

  it.each(['serve', 'dev'])('%s --help lists -p and every configuration key', async (command) => {
    const { code, stdout } = await runCli([command, '--help'], { cwd });
    expect(code).toBe(0);
    expect(stdout).toMatch(/-p, --port <n>/);
    for (const key of configKeys) expect(stdout).toContain(`--${key} <`);
  });

  it.each(['serve', 'dev'])('%s reads -p as the port', async (command) => {
    const result = await runCli([command, '-p', '70000'], { cwd, env: await settings() });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/"port": must be a whole number from 0 to 65535, got "70000"/);
  });

  it('takes a valueless switch as true without swallowing the next option', async () => {
    const result = await runCli(['serve', '--dynamodb_create_tables', '--port', '70000'], {
      cwd,
      env: await settings(),
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/"port".*"70000"/);
  });

  it('names a valueless option that needs a value', async () => {
    const result = await runCli(['serve', '--host', '--port', '0'], { cwd, env: await settings() });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/"host": needs a value/);
  });

  it('refuses an option that is not a configuration key', async () => {
    const result = await runCli(['serve', '--prot', '3001'], { cwd, env: await settings() });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/unknown option '--prot'/);
  });
});

describe('node-jobs serve shutdown', () => {
  let upstream: Upstream;
  beforeAll(async () => {
    upstream = await startUpstream();
  });
  afterAll(async () => {
    await upstream.close();
  });

  it('lets a request in flight finish on SIGTERM, then exits 0 within 10 s', async () => {
    const port = await freePort();
    const child = spawnCli(['serve', '-p', String(port), '--host', '127.0.0.1'], {
      cwd,
      env: {
        ...isolatedCliEnv(),
        JOBS_PROVIDER: 'github',
        JOBS_API_URL: `${upstream.url}/github/positions.json`,
        JOBS_TIMEOUT_MS: '60000',
      },
    });
    const [, url] = await waitForLine(child, /node-jobs API: (http:\/\/\S+?)\/?\n/, 180_000);
    expect(new URL(url!).port).toBe(String(port));
    const hold = upstream.hold();
    try {
      const search = createClient({ baseURL: url! }).jobs.search({ location: 'berlin' });
      await hold.arrived(1);
      child.kill('SIGTERM');
      await waitForLine(child, /SIGTERM: shutting down/, 10_000);
      // The board answers only once the server is shutting down: the request is still in flight.
      hold.release();
      const jobs = await search;
      expect(jobs.length).toBeGreaterThan(0);
      // Exit code 0, not 1: the CLI exits 1 itself when a shutdown takes over 10 s.
      expect((await exited(child)).code).toBe(0);
    } finally {
      hold.release();
    }
  });
});

describe('node-jobs dev', () => {
  let child: ChildProcessWithoutNullStreams;
  let url: string;
  let heldS3Port: Server | undefined;
  const endpointsFile = () => join(cwd, 'storage', 'dev', 'endpoints.json');

  beforeAll(async () => {
    const [apiPort, dynamoPort, redisPort] = [await freePort(), await freePort(), await freePort()];
    // dev's S3 port (4569) is taken, by us or by whoever holds it: dev must pick a free one and say so.
    heldS3Port = await holdPort(4569);
    child = spawnCli(
      [
        'dev',
        '-p',
        String(apiPort),
        '--dynamodb_endpoint',
        `http://localhost:${dynamoPort}`,
        '--redis_port',
        String(redisPort),
      ],
      { cwd },
    );
    const taken = waitForLine(child, /s3rver: port 4569 is taken; using (\d+)\./, 180_000);
    [, url] = (await waitForLine(child, /node-jobs API: (http:\/\/\S+?)\/?\n/, 180_000)) as [string, string];
    await taken;
    expect(new URL(url).port).toBe(String(apiPort));
  }, 300_000);

  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await new Promise<void>((resolve) => (heldS3Port ? heldS3Port.close(() => resolve()) : resolve()));
  });

  it('serves the sample jobs offline with its own DynamoDB, Redis and S3', async () => {
    const jobs = await createClient({ baseURL: url }).jobs.search({ location: 'Berlin', full_time: true });
    expect(jobs.length).toBeGreaterThan(0);
    // /healthz gives each service 2 s to answer: on a busy machine, ask until it has.
    await waitUntil(async () => (await fetch(`${url}/healthz`)).status === 200, 60_000, '/healthz to answer 200');
  });

  it('lets the account commands reach its services with no flag: user-delete from the same folder', async () => {
    const client = createClient({ baseURL: url });
    const { user, credentials } = await signUp(client);
    await client.users.uploadImage(user.id, new Uint8Array([0x47, 0x49, 0x46]), 'image/gif');
    expect((await fetch((await client.users.get(user.id)).image)).status).toBe(200);

    const result = await runCli(['user-delete', '-u', user.email], { cwd });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);

    const login = createClient({ baseURL: url }).sessions.login(credentials);
    expect((await failure(login)).status).toBe(401);
    expect((await fetch(`${url}/users/${user.id}/image`)).status).toBe(404);
  });

  it('stops every child on Ctrl-C and removes the file that told the CLI where its services are', async () => {
    expect(existsSync(endpointsFile())).toBe(true);
    const children = descendants(child.pid!);
    expect(children.length).toBeGreaterThanOrEqual(2); // java (DynamoDB Local) and redis-server
    child.kill('SIGINT');
    const { code } = await exited(child);
    expect(code).toBe(0);
    await waitUntil(async () => children.every((pid) => !isAlive(pid)), 20_000, 'every child of dev to exit');
    expect(existsSync(endpointsFile())).toBe(false);
  });
});

/** Listens on `port` so that others find it taken; undefined when someone else holds it already. */
function holdPort(port: number): Promise<Server | undefined> {
  return new Promise((resolve) => {
    const server = createNetServer();
    server.once('error', () => resolve(undefined));
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}
