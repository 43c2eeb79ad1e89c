import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http';

/**
 * The responses of an HTTP server that are not finished yet (socket.io's long-polling requests
 * included), so that a shutdown can tell them to close their connection and wait for them. A
 * server that does not listen itself (a worker handed its connections) has no other way to know.
 */
export class InFlightResponses {
  private readonly open = new Set<ServerResponse>();
  private readonly idleWaiters = new Set<() => void>();
  private onRequest: ((res: ServerResponse) => void) | undefined;

  /** Follows every request of `server`, before socket.io's and Express's handlers see it. */
  watch(server: HttpServer): void {
    const { open, idleWaiters } = this;
    // One function for every response ('close' comes once; `this` is the response): no closure per request.
    function closed(this: ServerResponse): void {
      open.delete(this);
      if (open.size === 0) for (const resolve of idleWaiters) resolve();
    }
    server.prependListener('request', (_req: IncomingMessage, res: ServerResponse) => {
      open.add(res);
      this.onRequest?.(res);
      res.on('close', closed);
    });
  }

  /** How many responses are not finished. */
  get count(): number {
    return this.open.size;
  }

  /** Calls `action` with every unfinished response now and with every new one from now on. */
  everyResponse(action: (res: ServerResponse) => void): void {
    for (const res of this.open) action(res);
    this.onRequest = action;
  }

  /** Resolves once no response is unfinished (at once when none is). */
  idle(): Promise<void> {
    if (this.open.size === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.idleWaiters.delete(done);
        resolve();
      };
      this.idleWaiters.add(done);
    });
  }
}
