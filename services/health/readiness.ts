import type { ServerResponse } from 'node:http';
import { z } from 'zod';
import type { InFlightResponses } from '../../http/inFlight';
import { DocumentedRouter, type RouteDocs } from '../../http/openapi';
import { serviceUnavailable } from '../../libraries/errors';

export const readySchema = z.object({ status: z.literal('ready') });

/**
 * Whether this process takes new work: yes from start-up until it is told to drain (SIGTERM), then
 * never again. While it drains, every response — in flight or new — closes its connection, so that
 * no proxy or load balancer reuses a connection that is about to go.
 */
export class Readiness {
  private drainingSince: number | undefined;

  /** @param responses the server's unfinished responses */
  constructor(private readonly responses: InFlightResponses) {}

  /** Whether `drain()` was called. */
  get draining(): boolean {
    return this.drainingSince !== undefined;
  }

  /** From now on `/readyz` answers 503 and every response says `Connection: close`. */
  drain(): void {
    if (this.draining) return;
    this.drainingSince = Date.now();
    this.responses.everyResponse(closeAfter);
  }
}

/** Node closes the connection once a response that says `Connection: close` is sent. */
function closeAfter(res: ServerResponse): void {
  if (!res.headersSent) res.setHeader('Connection', 'close');
}

/**
 * `GET /readyz`: 200 while the process takes new work, 503 from SIGTERM on — what a load balancer
 * checks to stop sending requests before the process stops. It asks no shared service (`/healthz`
 * does): a database outage would otherwise take every process out of the balancer at once.
 */
export function createReadinessRouter(readiness: Readiness): DocumentedRouter {
  const docs: RouteDocs = {
    summary: 'Readiness of this process for new work',
    description:
      'For load balancers: 200 while this process takes new requests; 503 from the moment it is told to stop (SIGTERM) until it exits, so that traffic moves to other processes first. `/healthz` stays the liveness check.',
    tag: 'health',
    responses: {
      200: { description: 'The process takes new work.', schema: readySchema },
      503: 'The process is shutting down; send new work to another one.',
    },
  };
  return new DocumentedRouter().get('/', { docs }, (_input, _req, res) => {
    if (readiness.draining) throw serviceUnavailable('This process is shutting down; send new work to another one.');
    res.setHeader('Cache-Control', 'no-store');
    res.json({ status: 'ready' });
  });
}
