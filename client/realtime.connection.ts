import { io, type Socket } from 'socket.io-client';
import { SocketError } from './errors';
import type { TokenStorage } from './storage';
import { isTokenExpired } from './token';
import { randomJobsPath, type ClientToServerEvents, type ServerToClientEvents, type SessionEnd } from './types';

/** The socket.io socket of `/random-jobs`, typed with its events. */
export type RealtimeSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** What the lifecycle of one connection has established so far. */
export interface ConnectionState {
  /** Set by `close()`: the connection is over for good. */
  closed: boolean;
  /** Why the server refused the last connection attempt; cleared on connect. */
  refusal: string | undefined;
  /** The token the socket last authenticated with (null: anonymous). */
  token: string | null;
  /** Set when the server said the session ended, until the socket reconnects. */
  sessionEnd: SessionEnd | undefined;
}

/**
 * Opens the socket of `/random-jobs`.
 * @param storage read on every (re)connection, so a login or logout takes effect on the next one; an expired token is not sent
 * @internal
 */
export function openSocket(
  baseURL: string,
  storage: TokenStorage,
  state: ConnectionState,
  transports: ('websocket' | 'polling' | 'webtransport')[],
): RealtimeSocket {
  return io(baseURL, {
    path: randomJobsPath,
    transports,
    auth: (callback) => {
      const stored = storage.get();
      const token = stored && !isTokenExpired(stored) ? stored : null;
      state.token = token;
      callback(token ? { token } : {});
    },
  });
}

/** Where `watchConnection` reports what happens to the connection. */
export interface ConnectionReports {
  /** A refusal or a lost connection (never the client's own reconnection after a login or logout). */
  error(error: SocketError): void;
  /** The server ended the socket's session (its token was revoked or expired, its user deleted). */
  sessionEnd(end: SessionEnd): void;
}

/**
 * Keeps `state` current and reports refusals, lost connections and session ends. A socket whose
 * session the server ended comes back anonymously — the dead token is cleared from `storage` when
 * it is still the stored one — or with the token stored since (after a password change).
 * @internal
 */
export function watchConnection(
  socket: RealtimeSocket,
  storage: TokenStorage,
  state: ConnectionState,
  reports: ConnectionReports,
): void {
  socket.on('connect', () => {
    state.refusal = undefined;
    state.sessionEnd = undefined;
  });
  socket.on('connect_error', (error) => {
    state.refusal = error.message;
    reports.error(new SocketError('connect_error', error.message));
  });
  socket.on('sessionEnded', (end) => {
    state.sessionEnd = end;
    reports.sessionEnd(end);
  });
  socket.on('disconnect', (reason) => {
    // The client's own disconnects (close, or reconnecting with a new token) are not failures.
    if (state.closed || reason === 'io client disconnect') return;
    if (reason !== 'io server disconnect')
      return reports.error(new SocketError('disconnected', `Disconnected: ${reason}.`));
    if (!state.sessionEnd) reports.error(new SocketError('disconnected', `Disconnected: ${reason}.`));
    // Clearing the token reconnects through the client's token listener; otherwise reconnect here.
    if (state.sessionEnd && state.token !== null && storage.get() === state.token) storage.clear();
    else socket.connect();
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
