import type { Server as HttpServer } from 'node:http';
import type { InFlightResponses } from './inFlight';

/** What stopping a server takes, in the order it happens. */
export interface StopSteps {
  httpServer: HttpServer;
  /** Whether `httpServer` listens itself (a worker of `serve --workers` is handed its connections instead). */
  listening: boolean;
  responses: InFlightResponses;
  /** Disconnects every socket so that it reconnects (to another process), and closes socket.io. */
  closeSockets(): Promise<void>;
  /** Closes the clients of Redis, DynamoDB and S3, and flushes the logs. */
  closeClients(): Promise<void>;
}

/**
 * Stops serving: no new connections, idle ones closed, sockets told to reconnect elsewhere,
 * responses in flight finished — those still running after `forceAfterMs` are cut — then the
 * clients closed.
 */
export async function stopServing(steps: StopSteps, forceAfterMs: number): Promise<void> {
  const { httpServer, responses } = steps;
  if (steps.listening) httpServer.close(() => undefined);
  httpServer.closeIdleConnections();
  const force = setTimeout(() => httpServer.closeAllConnections(), Math.max(0, forceAfterMs));
  try {
    await Promise.all([steps.closeSockets(), responses.idle()]);
  } finally {
    clearTimeout(force);
  }
  await steps.closeClients();
}

/** Time kept after cutting the last requests for closing the clients and flushing the logs. */
const closingMarginMs = 1000;

/**
 * The shutdown a SIGTERM starts, in steps a load balancer can follow: `drain` at once (`/readyz`
 * answers 503, responses close their connections), serving on for `delayMs` so that the balancer
 * notices, then `stopServing` — all within `timeoutMs`. A later call with a shorter delay (the
 * primary of `serve --workers` saying it stopped accepting) cuts the wait short; the stop runs once.
 */
export class GracefulShutdown {
  private stopping: Promise<void> | undefined;
  private endDelay: (() => void) | undefined;
  private deadline = 0;

  /**
   * @param drain marks the process as leaving (see `Readiness.drain`)
   * @param steps what stopping takes
   */
  constructor(
    private readonly drain: () => void,
    private readonly steps: StopSteps,
  ) {}

  /** Drains, waits `delayMs` (or less, see above), then stops; resolves once everything is closed. */
  run(delayMs: number, timeoutMs: number): Promise<void> {
    this.drain();
    if (this.stopping) {
      if (delayMs === 0) this.endDelay?.();
      return this.stopping;
    }
    this.deadline = performance.now() + timeoutMs;
    this.stopping = (async () => {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delayMs);
        this.endDelay = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      await stopServing(this.steps, this.deadline - closingMarginMs - performance.now());
    })();
    return this.stopping;
  }
}
