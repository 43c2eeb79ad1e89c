import { io, type Socket } from 'socket.io-client';
import { SocketError } from './errors';
import type { TokenStorage } from './storage';
import { randomJobsPath, type ClientToServerEvents, type ServerToClientEvents } from './types';

/** The socket.io socket of `/random-jobs`, typed with its events. */
export type RealtimeSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** What the lifecycle of one connection has established so far. */
export interface ConnectionState {
  /** Set by `close()`: the connection is over for good. */
  closed: boolean;
  /** Why the server refused the last connection attempt; cleared on connect. */
  refusal: string | undefined;
}

/**
 * Opens the socket of `/random-jobs`.
 * @param storage read on every (re)connection, so a login or logout takes effect on the next one
 * @internal
 */
export function openSocket(baseURL: string, storage: TokenStorage, transports: ('websocket' | 'polling' | 'webtransport')[]): RealtimeSocket {
  return io(baseURL, {
    path: randomJobsPath,
    transports,
    auth: (callback) => {
      const token = storage.get();
      callback(token ? { token } : {});
    },
  });
}

/**
 * Keeps `state` current and passes refusals and lost connections to `report`; a socket the server
 * ended (its token expired or was revoked) comes back with the current token.
 * @internal
 */
export function watchConnection(socket: RealtimeSocket, state: ConnectionState, report: (error: SocketError) => void): void {
  socket.on('connect', () => (state.refusal = undefined));
  socket.on('connect_error', (error) => {
    state.refusal = error.message;
    report(new SocketError('connect_error', error.message));
  });
  socket.on('disconnect', (reason) => {
    if (state.closed) return;
    report(new SocketError('disconnected', `Disconnected: ${reason}.`));
    if (reason === 'io server disconnect') socket.connect();
  });
}

/**
 * Resolves once `socket` is connected; rejects with `SocketError('connect_error')` when the server refuses it.
 * @internal
 */
export function whenConnected(socket: RealtimeSocket): Promise<void> {
  if (socket.connected) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onConnect = () => {
      socket.off('connect_error', onError);
      resolve();
    };
    const onError = (error: Error) => {
      socket.off('connect', onConnect);
      reject(new SocketError('connect_error', error.message));
    };
    socket.once('connect', onConnect);
    socket.once('connect_error', onError);
  });
}
