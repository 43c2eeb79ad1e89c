/**
 * Start-up to healthy as an operator sees it: `node-jobs provision` once, then `node-jobs serve`
 * (compiled, as from dist/) started as a process of its own against the running local stack, timed
 * from the spawn to the first `/healthz` 200.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../../devtools/localStack';
import { built } from '../lib';

/** Milliseconds from spawning `serve` to its first `/healthz` 200; the median of `runs`. */
export async function startupToHealthyMs(
  values: Record<string, unknown>,
  runs: number,
  profileDir?: string,
): Promise<number[]> {
  await provision(values);
  const times: number[] = [];
  for (let run = 0; run < runs; run++) times.push(await startOnce(values));
  // With --profile, one more start-up with V8's profiler on from the first line (not counted: the profiler slows it).
  if (profileDir)
    await startOnce(values, ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, '--cpu-prof-name=startup.cpuprofile']);
  return times;
}

/**
 * The environment of the CLI as an operator runs it: production, credentials from the environment
 * (s3rver's fixed pair, which DynamoDB Local accepts too), then `values` as environment variables.
 */
function operatorEnvironment(values: Record<string, unknown>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    // Production refuses `*`, the default.
    CORS_ORIGIN: 'http://localhost',
  };
  for (const [key, value] of Object.entries(values)) env[key.toUpperCase()] = String(value);
  return env;
}

/**
 * Runs the compiled `node-jobs <args>` as an operator does, in a directory of its own (no
 * config/secrets.json of the checkout is read; relative paths such as `data_file` land there).
 */
export async function runCompiledCli(
  args: string[],
  values: Record<string, unknown>,
  execArgv: string[] = [],
): Promise<{ child: ChildProcess; directory: string; errors: () => string }> {
  const directory = await mkdtemp(join(tmpdir(), 'node-jobs-startup-'));
  const child = spawn(process.execPath, [...execArgv, built('cli'), ...args], {
    cwd: directory,
    env: operatorEnvironment(values),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let errors = '';
  child.stderr?.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  return { child, directory, errors: () => errors };
}

/** `node-jobs provision`: production's `serve` does not create the tables and the bucket. */
async function provision(values: Record<string, unknown>): Promise<void> {
  const { child, directory, errors } = await runCompiledCli(['provision'], values);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  await rm(directory, { recursive: true, force: true });
  if (code !== 0) throw new Error(`node-jobs provision exited with ${code}: ${errors()}`);
}

async function startOnce(values: Record<string, unknown>, execArgv: string[] = []): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const { child, directory, errors } = await runCompiledCli(['serve'], { ...values, port }, execArgv);
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  try {
    for (const until = started + 30_000; performance.now() < until;) {
      if (child.exitCode !== null)
        throw new Error(`serve exited with ${child.exitCode} before it was healthy: ${errors()}`);
      const answer = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined);
      if (answer?.status === 200) return performance.now() - started;
      await sleep(10);
    }
    throw new Error('serve was not healthy within 30 s');
  } finally {
    child.kill('SIGTERM');
    await exited;
    await rm(directory, { recursive: true, force: true });
  }
}
