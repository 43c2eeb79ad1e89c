import { mkdtemp, rm } from 'node:fs/promises';
import { createServer as createNetServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createClient } from '../../client';
import { configKeys, defaultOf, settings, type Setting } from '../../config/schema';
import { freePort } from '../../devtools/localStack';
import { exited, runCli, spawnCli, waitForLine, isolatedCliEnv } from '../harness/cli';
import { testAppKey } from '../harness/testServer';
import { startUpstream, type Upstream } from '../harness/upstream';

let cwd: string;
beforeAll(async () => {
  // A folder with no config/secrets.json, like a fresh checkout.
  cwd = await mkdtemp(join(tmpdir(), 'node-jobs-cli-messages-'));
});
afterAll(async () => {
  await rm(cwd, { recursive: true, force: true });
});

/** The last line a command printed (the failure; warnings about the services may come before it). */
const lastLine = (output: string) => output.trim().split('\n').at(-1);

/** Listens on a free port of every address, as another program holding it would. */
async function holdFreePort(): Promise<{ port: number; server: Server }> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, resolve));
  return { port: (server.address() as { port: number }).port, server };
}

describe('node-jobs serve --help', () => {
  it("shows each key's default, and which keys are required", async () => {
    const { code, stdout } = await runCli(['serve', '--help'], { cwd });
    expect(code).toBe(0);
    const help = stdout.replace(/\s+/g, ' ');
    expect(help).toMatch(/-p, --port <n> HTTP and socket\.io port \(0 = any free port\) \(default: 3000\)/);
    expect(help).toMatch(/--app_key <text> [^(]*\(required\)/);
    expect(help).toMatch(/--dynamodb_create_tables <true\|false> [^(]*\(default: true; false in production\)/);
    expect(help).toMatch(/--dynamodb_endpoint <url> [^(]*\([^)]*\) \(default: AWS\)/);
    for (const key of configKeys) {
      const fallback = defaultOf(settings[key] as Setting<unknown, unknown>, false);
      const shown = typeof fallback === 'string' ? fallback : JSON.stringify(fallback);
      if (fallback !== undefined) expect(help).toContain(`(default: ${shown}`);
    }
  });

  it("shows dev's own defaults where dev sets a key itself", async () => {
    const help = (await runCli(['dev', '--help'], { cwd })).stdout.replace(/\s+/g, ' ');
    expect(help).toMatch(/--app_key <text> [^(]*\(default: a development key kept in storage\/dev\/app_key\)/);
    expect(help).toMatch(/--metrics <[^>]+> [^(]*\([^)]*\)[^(]*\(default: on\)/);
  });
});

describe('node-jobs serve start-up messages', () => {
  it('says how to set a missing app_key: APP_KEY, --app_key or config/secrets.json', async () => {
    const result = await runCli(['serve', '--port', '0'], { cwd });
    expect(result.code).toBe(1);
    expect(lastLine(result.stderr)).toBe(
      'node-jobs: Configuration "app_key": is required; set it with the environment variable APP_KEY, ' +
        'the option --app_key <text>, or "app_key" in config/secrets.json (see config/secrets.json.example). ' +
        'A secret of 32 characters or more, e.g. from: openssl rand -hex 32.',
    );
  });

  it('names a port in use and the option that chooses another, not the raw EADDRINUSE', async () => {
    const held = await holdFreePort();
    try {
      const result = await runCli(['serve', '-p', String(held.port)], { cwd, env: isolatedCliEnv() });
      expect(result.code).toBe(1);
      expect(result.stderr).not.toContain('EADDRINUSE');
      expect(lastLine(result.stderr)).toBe(
        `node-jobs: port ${held.port} is in use (by another program, or another node-jobs); choose another with -p/--port.`,
      );
    } finally {
      held.server.close();
    }
  });

  it('names the metrics port in use and its option', async () => {
    const held = await holdFreePort();
    try {
      const result = await runCli(['serve', '-p', '0', '--metrics', String(held.port), '--metrics_host', '0.0.0.0'], {
        cwd,
        env: isolatedCliEnv(),
      });
      expect(result.code).toBe(1);
      expect(lastLine(result.stderr)).toBe(
        `node-jobs: port ${held.port} is in use (by another program, or another node-jobs); choose another with --metrics.`,
      );
    } finally {
      held.server.close();
    }
  });

  it('says which settings give AWS credentials, or local endpoints, when none are found', async () => {
    const home = await mkdtemp(join(tmpdir(), 'node-jobs-home-'));
    try {
      const result = await runCli(['serve', '-p', '0'], {
        cwd,
        env: {
          APP_KEY: testAppKey,
          REDIS_PORT: String(inject('stack').redisPort),
          // No credentials anywhere, and nothing asked of the network (no instance metadata).
          HOME: home,
          AWS_CONFIG_FILE: join(home, 'config'),
          AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
          AWS_ACCESS_KEY_ID: '',
          AWS_SECRET_ACCESS_KEY: '',
          AWS_PROFILE: '',
          AWS_WEB_IDENTITY_TOKEN_FILE: '',
          AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '',
          AWS_CONTAINER_CREDENTIALS_FULL_URI: '',
          AWS_EC2_METADATA_DISABLED: 'true',
        },
      });
      expect(result.code).toBe(1);
      expect(result.stderr).not.toMatch(/Could not load credentials from any providers\s*$/);
      expect(lastLine(result.stderr)).toBe(
        'node-jobs: DynamoDB is not reachable at AWS eu-central-1: no AWS credentials were found. ' +
          'Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE (a profile of ~/.aws/credentials), ' +
          'or run with a role (an ECS task role, an EC2 instance profile); ' +
          'for local services set --dynamodb_endpoint and --s3_endpoint, or run node-jobs dev.',
      );
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });
});

describe('node-jobs serve and Ctrl-C', () => {
  let upstream: Upstream;
  beforeAll(async () => {
    upstream = await startUpstream();
  });
  afterAll(async () => {
    await upstream.close();
  });

  /** Starts `serve` on a free port with the replayed GitHub board; resolves with the child and its URL. */
  async function startServe() {
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
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const [, url] = await waitForLine(child, /node-jobs API: (http:\/\/\S+?)\/?\n/, 180_000);
    return { child, url: url!, output: () => output };
  }

  it('shuts down gracefully on one Ctrl-C delivered twice at once (terminal and npm or tsx forwarding it)', async () => {
    const { child, url, output } = await startServe();
    const hold = upstream.hold();
    try {
      const search = createClient({ baseURL: url }).jobs.search({ location: 'berlin' });
      await hold.arrived(1);
      child.kill('SIGINT');
      child.kill('SIGINT');
      await waitForLine(child, /SIGINT: shutting down/, 10_000);
      hold.release();
      expect((await search).length).toBeGreaterThan(0);
      expect((await exited(child)).code).toBe(0);
      expect(output()).not.toMatch(/SIGINT again/);
      expect(output().match(/shutting down/g)).toHaveLength(1);
    } finally {
      hold.release();
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('exits at once on a second Ctrl-C pressed after the first', async () => {
    const { child, url } = await startServe();
    const hold = upstream.hold();
    try {
      const search = createClient({ baseURL: url })
        .jobs.search({ location: 'lisbon' })
        .catch((error: unknown) => error);
      await hold.arrived(1);
      child.kill('SIGINT');
      await waitForLine(child, /SIGINT: shutting down/, 10_000);
      // A person's second press comes well after the repeat window; the request is still held.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      child.kill('SIGINT');
      await waitForLine(child, /SIGINT again: exiting now/, 10_000);
      expect((await exited(child)).code).toBe(1);
      await search;
    } finally {
      hold.release();
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
