import { messageOf } from '../../libraries/errors';
import { failureMessage } from './failureMessage';
import type { NodeJobsServer } from '../../index';

/** Longest a shutdown may take before the process exits anyway. */
export const shutdownLimitMs = 10_000;

/**
 * How soon after the first signal a second one is the same Ctrl-C delivered again, not a second
 * press: the terminal sends SIGINT to the whole process group, and a wrapper that also forwards it
 * (npm run, tsx) delivers it a second time within milliseconds (tsx after 30 ms).
 */
export const repeatedSignalWindowMs = 500;

/**
 * Stops gracefully on SIGINT/SIGTERM: runs `stop`, then exits 0 — or exits 1 when it takes
 * longer than `limitMs` (`shutdownLimitMs` by default; `serve` passes `shutdown_timeout_s`) or
 * fails. A second signal exits at once, unless it comes within `repeatedSignalWindowMs` of the
 * first (the same Ctrl-C delivered twice).
 */
export function onShutdownSignal(
  stop: () => Promise<void>,
  log: (line: string) => void = (line) => console.error(line),
  limitMs = shutdownLimitMs,
): void {
  let firstSignalAt: number | undefined;
  const handle = (signal: NodeJS.Signals) => {
    if (firstSignalAt !== undefined) {
      if (Date.now() - firstSignalAt < repeatedSignalWindowMs) return;
      log(`${signal} again: exiting now.`);
      process.exit(1);
    }
    firstSignalAt = Date.now();
    log(`${signal}: shutting down…`);
    const limit = setTimeout(() => {
      log(`Shutdown took over ${limitMs / 1000} s; exiting.`);
      process.exit(1);
    }, limitMs);
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

/** Begins the line an unhandled rejection prints; the resilience suite fails when a server prints it. */
export const unhandledRejectionMarker = 'UNHANDLED REJECTION';

/**
 * Logs every promise rejection nobody handled, loudly and with its stack, instead of letting it end
 * the process: each one is a bug to fix (every fault of a service must be caught where it happens).
 */
export function reportUnhandledRejections(log: (line: string) => void = (line) => console.error(line)): void {
  process.on('unhandledRejection', (reason: unknown) => {
    const detail = reason instanceof Error ? (reason.stack ?? reason.message) : String(reason);
    log(`node-jobs: ${unhandledRejectionMarker} (a bug; the server keeps running): ${detail}`);
  });
}

/**
 * On an uncaught exception: logs it, runs `stop` (at most `shutdownLimitMs`), then exits 1, so `dev`
 * stops the services it started however the server ends.
 */
export function stopOnUncaughtException(
  stop: () => Promise<void>,
  log: (line: string) => void = (line) => console.error(line),
): void {
  process.on('uncaughtException', (error: Error) => {
    log(`node-jobs: uncaught exception, stopping: ${error.stack ?? error.message}`);
    setTimeout(() => process.exit(1), shutdownLimitMs).unref();
    void stop().finally(() => process.exit(1));
  });
}

/** Prints where a started server listens. */
export function announce(
  server: Pick<NodeJobsServer, 'url' | 'metricsUrl'>,
  log: (line: string) => void = (line) => console.log(line),
): void {
  log(`node-jobs API: ${server.url}/`);
  log(`  web console:        ${server.url}/console/`);
  log(`  API docs:           ${server.url}/docs`);
  log(`  random jobs socket: ${server.url} (path /random-jobs)`);
  log(`  health:             ${server.url}/healthz (liveness), ${server.url}/readyz (readiness)`);
  if (server.metricsUrl) log(`  metrics:            ${server.metricsUrl}`);
}

/** Prints a start-up failure (saying what to set, where the bare message names nothing) and exits 1. */
export function fail(error: unknown, log: (line: string) => void = (line) => console.error(line)): never {
  log(`node-jobs: ${failureMessage(error)}`);
  process.exit(1);
}
