import { messageOf } from '../libraries/errors';
import type { NodeJobsServer } from '../index';

/** Longest a shutdown may take before the process exits anyway. */
export const shutdownLimitMs = 10_000;

/**
 * Stops gracefully on SIGINT/SIGTERM: runs `stop`, then exits 0 — or exits 1 when it takes
 * longer than `shutdownLimitMs` or fails. A second signal exits at once.
 */
export function onShutdownSignal(stop: () => Promise<void>, log: (line: string) => void = (line) => console.error(line)): void {
  let stopping = false;
  const handle = (signal: NodeJS.Signals) => {
    if (stopping) {
      log(`${signal} again: exiting now.`);
      process.exit(1);
    }
    stopping = true;
    log(`${signal}: shutting down…`);
    const limit = setTimeout(() => {
      log(`Shutdown took over ${shutdownLimitMs / 1000} s; exiting.`);
      process.exit(1);
    }, shutdownLimitMs);
    limit.unref();
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        log(`Shutdown failed: ${messageOf(error)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', handle);
  process.on('SIGTERM', handle);
}

/** Prints where a started server listens. */
export function announce(server: NodeJobsServer, log: (line: string) => void = (line) => console.log(line)): void {
  log(`node-jobs API: ${server.url}/`);
  log(`  web console:        ${server.url}/console/`);
  log(`  API docs:           ${server.url}/docs`);
  log(`  random jobs socket: ${server.url} (path /random-jobs)`);
  log(`  health:             ${server.url}/healthz`);
  if (server.metricsUrl) log(`  metrics:            ${server.metricsUrl}`);
}

/** Prints a start-up failure and exits 1. */
export function fail(error: unknown): never {
  console.error(`node-jobs: ${messageOf(error)}`);
  process.exit(1);
}
