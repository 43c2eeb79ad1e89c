import type { IncomingMessage } from 'node:http';
import type { Express, Request } from 'express';

/**
 * The client address of a request that does not pass through Express (a socket.io handshake), read
 * exactly as Express's `req.ip` reads it for the app's routes — under its `trust proxy` setting — so
 * that limits per address count one client alike over HTTP and sockets.
 */
export function clientAddressOf(app: Express): (req: IncomingMessage) => string {
  return (req) => {
    // Express's own request prototype, over this message: its `ip` getter asks the app's trust function.
    const view = Object.create(app.request as object, {
      headers: { value: req.headers },
      socket: { value: req.socket },
    }) as Request;
    return view.ip ?? req.socket.remoteAddress ?? 'unknown';
  };
}
