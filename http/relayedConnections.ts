import type { Server } from 'node:http';
import { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

/**
 * Closes each connection that the primary relays to a worker once its answer is sent.
 * `@socket.io/sticky` keeps the socket of a request with a body in the primary and hands the
 * worker a stand-in stream whose readable side never ends, so it never closes by itself: each one
 * would stay counted against its address (`max_connections_per_ip`), and in memory, for good.
 * Sticky answers every request with `Connection: close`, so one answer is all a stand-in carries.
 */
export function closeRelayedConnections(server: Server): void {
  server.on('connection', (connection: Duplex) => {
    if (connection instanceof Socket) return;
    connection.once('finish', () => connection.destroy());
  });
}
