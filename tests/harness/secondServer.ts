import { inject } from 'vitest';
import { cliSettings, exited, spawnCli, waitForLine } from './cli';
import type { TestServer } from './testServer';

/** A second server process (`node-jobs serve`) sharing a test server's data, tables, Redis keys and bucket. */
export interface SecondServer {
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * Starts `node-jobs serve` on a free port in its own process, against the same data as `first`,
 * with the given `socket_adapter`.
 * @param options.env environment variables that win over the settings taken from `first` (another
 * `REDIS_PORT`, `RATE_LIMIT_LOGIN`, or `LD_PRELOAD` and `FAKETIME` to run it under libfaketime)
 */
export async function startSecondServer(
  first: TestServer,
  socketAdapter: 'none' | 'redis',
  options: { env?: Record<string, string> } = {},
): Promise<SecondServer> {
  const stack = inject('stack');
  const child = spawnCli(['serve', '--port', '0', '--host', '127.0.0.1'], {
    env: {
      ...cliSettings(first),
      SOCKET_ADAPTER: socketAdapter,
      S3_ENDPOINT: stack.s3Endpoint,
      S3_BUCKET: first.config.s3_bucket,
      RANDOM_JOB_INTERVAL_MS: String(first.config.random_job_interval_ms),
      // No load balancer to wait for: stop() is then as quick as before.
      SHUTDOWN_DELAY_S: '0',
      DATA_FILE: `${first.directory}/second/data.json`,
      LOG_FILE: `${first.directory}/second/nodeJobs.log`,
      ...options.env,
    },
  });
  try {
    const [, url] = await waitForLine(child, /node-jobs API: (http:\/\/\S+?)\/?\n/, 60_000);
    return {
      url: url!,
      async stop() {
        child.kill('SIGTERM');
        await exited(child);
      },
    };
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
}
