import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { exited, spawnCli, waitForLine } from './cli';
import { testConfigValues } from './testServer';

/** A `node-jobs serve` child process started by a test. */
export interface ServeProcess {
  readonly child: ChildProcessWithoutNullStreams;
  /** `http://localhost:port` it announced. */
  readonly url: string;
  readonly port: number;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  /** Sends SIGTERM and resolves with its exit once it has exited. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * The environment of a `serve` process against the shared test stack (what `testConfigValues`
 * gives an in-process server), files under `directory`; `settings` win (configuration keys, any case).
 */
export function serveEnvironment(directory: string, settings: Record<string, unknown> = {}): Record<string, string> {
  const { port: _port, host: _host, ...values } = testConfigValues(directory, settings);
  return Object.fromEntries(Object.entries(values).map(([key, value]) => [key.toUpperCase(), String(value)]));
}

/**
 * Starts `node-jobs serve -p <port> --host 127.0.0.1 <args>` from the sources with `env`; resolves
 * once it announces its URL.
 * @param limits.fileSizeLimitBytes the process's file size limit (see `spawnCli`)
 */
export async function startServeProcess(
  port: number,
  env: Record<string, string>,
  args: string[] = [],
  startTimeoutMs = 120_000,
  limits: { fileSizeLimitBytes?: number } = {},
): Promise<ServeProcess> {
  const child = spawnCli(['serve', '-p', String(port), '--host', '127.0.0.1', ...args], { env, ...limits });
  let printed = '';
  child.stdout.on('data', (chunk: Buffer) => (printed += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (printed += chunk.toString()));
  try {
    const [, url] = await waitForLine(child, /node-jobs API: (http:\/\/\S+?)\/?\n/, startTimeoutMs);
    return {
      child,
      url: url!,
      port: Number(new URL(url!).port),
      output: () => printed,
      async stop(signal = 'SIGTERM') {
        if (child.exitCode === null && child.signalCode === null) child.kill(signal);
        return exited(child);
      },
    };
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
}
