import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';
import { isolatedSettings, testAppKey, type TestServer } from './testServer';

const root = fileURLToPath(new URL('../../', import.meta.url));
const tsxLoader = `${root}node_modules/tsx/dist/loader.mjs`;
const cliEntry = `${root}commands/cli.ts`;

/** Environment for a CLI subprocess: this process's, minus any node-jobs settings, plus `env`. */
export function cliEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) => !/^(app_key|port|redis_|dynamodb_|s3_|jobs_|data_file|log_file|node_env$)/i.test(key),
    ),
  );
  return { ...base, ...env };
}

/**
 * Starts `node-jobs <args>` from the sources (through tsx's loader, no wrapper process).
 * @param options.fileSizeLimitBytes the process's file size limit (RLIMIT_FSIZE, set by util-linux's `prlimit`, which
 *   then becomes the process): a write past it fails with EFBIG, as a write to a full disk fails with ENOSPC
 */
export function spawnCli(
  args: string[],
  options: { env?: Record<string, string>; cwd?: string; fileSizeLimitBytes?: number } = {},
): ChildProcessWithoutNullStreams {
  const command = [process.execPath, '--import', tsxLoader, cliEntry, ...args];
  const limited =
    options.fileSizeLimitBytes === undefined
      ? command
      : ['prlimit', `--fsize=${options.fileSizeLimitBytes}`, '--', ...command];
  return spawn(limited[0]!, limited.slice(1), {
    cwd: options.cwd ?? root,
    env: cliEnv(options.env ?? {}),
  });
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node-jobs <args>` to completion. */
export function runCli(
  args: string[],
  options: { env?: Record<string, string>; cwd?: string } = {},
): Promise<CliResult> {
  const child = spawnCli(args, options);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

/** The settings the CLI needs to reach a test server's data, as an operator would give them (environment variables). */
export function cliSettings(server: TestServer): Record<string, string> {
  const stack = inject('stack');
  return {
    APP_KEY: server.config.app_key,
    DYNAMODB_ENDPOINT: stack.dynamodbEndpoint,
    DYNAMODB_TABLE_PREFIX: server.config.dynamodb_table_prefix,
    REDIS_PORT: String(stack.redisPort),
    REDIS_KEY_PREFIX: server.config.redis_key_prefix,
  };
}

/**
 * Makes an existing user an admin through the CLI (`node-jobs user-make-admin -u <email>`), as an
 * operator would, against a test server's data.
 * @throws Error with the CLI's output when it fails
 */
export async function makeAdminThroughCli(server: TestServer, email: string): Promise<void> {
  const result = await runCli(['user-make-admin', '-u', email], { env: cliSettings(server) });
  if (result.code !== 0)
    throw new Error(`user-make-admin exited with ${result.code}:\n${result.stdout}${result.stderr}`);
}

/** Resolves with the first line of the child's stdout that matches, or rejects when it exits first. */
export function waitForLine(
  child: ChildProcessWithoutNullStreams,
  pattern: RegExp,
  timeoutMs: number,
): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(
      () => done(new Error(`No line matching ${pattern} within ${timeoutMs} ms. Output:\n${output}`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = output.match(pattern);
      if (match) done(undefined, match);
    };
    const onExit = (code: number | null) =>
      done(new Error(`Exited (${code}) before printing ${pattern}. Output:\n${output}`));
    const done = (error?: Error, match?: RegExpMatchArray) => {
      clearTimeout(timer);
      child.stdout.off('data', onData);
      child.stderr.off('data', onData);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve(match!);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', onExit);
  });
}

/** Every process descending from `pid` (read from /proc). */
export function descendants(pid: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(Number(entry), ppid);
    } catch {
      // The process ended while we looked.
    }
  }
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const parent = queue.shift()!;
    for (const [child, ppid] of parents)
      if (ppid === parent) {
        found.push(child);
        queue.push(child);
      }
  }
  return found;
}

/** Tells whether a process is still running (zombies count as gone). */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Waits for a child to exit; resolves with its code and signal. */
export function exited(
  child: ChildProcessWithoutNullStreams,
): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null)
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

/**
 * The settings a CLI process needs against the test stack, as environment variables, with data
 * of its own (fresh table and key prefixes, a bucket of its own).
 */
export function isolatedCliEnv(): Record<string, string> {
  const stack = inject('stack');
  const isolated = isolatedSettings();
  return {
    APP_KEY: testAppKey,
    REDIS_PORT: String(stack.redisPort),
    DYNAMODB_ENDPOINT: stack.dynamodbEndpoint,
    DYNAMODB_TABLE_PREFIX: isolated.dynamodb_table_prefix!,
    REDIS_KEY_PREFIX: isolated.redis_key_prefix!,
    S3_ENDPOINT: stack.s3Endpoint,
    S3_BUCKET: isolated.s3_bucket!,
  };
}
