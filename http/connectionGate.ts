import type { Server } from 'node:net';

/** Connections held back by `holdConnections` until the server can serve them. */
export interface ConnectionGate {
  /** Hands the held connections to the server, and every later one at once. */
  open(): void;
  /** Destroys the held connections (the server will never serve them). */
  discard(): void;
}

/**
 * Holds the connections injected into `server` (with `emit('connection', socket)`, as
 * `@socket.io/sticky` hands them to a worker) until `open()`: the primary sends connections to a
 * worker from the moment it is forked, while its clients are still connecting. A held socket keeps
 * its first bytes buffered, so nothing is lost.
 */
export function holdConnections(server: Server): ConnectionGate {
  const held: unknown[][] = [];
  const emit = server.emit.bind(server);
  server.emit = ((event: string | symbol, ...args: unknown[]) => {
    if (event !== 'connection') return emit(event, ...args);
    held.push(args);
    return true;
  }) as Server['emit'];
  const restore = () => {
    server.emit = emit;
  };
  return {
    open() {
      restore();
      for (const args of held.splice(0)) emit('connection', ...args);
    },
    discard() {
      restore();
      for (const [socket] of held.splice(0)) (socket as { destroy(): void }).destroy();
    },
  };
}
