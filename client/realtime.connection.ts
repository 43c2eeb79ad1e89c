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
  hooks?: Pick<SessionHooks, 'tokenToSend'>,
): RealtimeSocket {
  const authenticate = (stored: string | null, callback: (data: object) => void) => {
    const token = stored && !isTokenExpired(stored) ? stored : null;
    state.token = token;
    callback(token ? { token } : {});
  };
  return io(baseURL, {
    path: randomJobsPath,
    transports,
    auth: (callback) => {
      // A token about to expire is renewed first, so that a socket reconnecting after a pause keeps its session.
      if (hooks) void hooks.tokenToSend().then((token) => authenticate(token, callback));
      else authenticate(storage.get(), callback);
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

/** What the client does about the session of its sockets (`createClient` passes its own). */
export interface SessionHooks {
  /** The token to connect with, renewed first when it is about to expire (never rejects). */
  tokenToSend(): Promise<string | null>;
  /** A fresh token after the socket's `token` expired (renewed with the refresh token), or null. */
  renew(token: string): Promise<string | null>;
  /**
   * The server ended the session of `token` (the stored one): forget it — or, when this client is
   * ending it itself (a logout in flight), resolve once that is done.
   */
  sessionEnded(token: string): Promise<void>;
  /** The server says the user's admin status is now `admin`. */
  adminChanged(admin: boolean): void;
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
  hooks?: SessionHooks,
): void {
  if (hooks) socket.on('adminChanged', ({ admin }) => hooks.adminChanged(admin));
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
    if (!state.sessionEnd || state.token === null || storage.get() !== state.token) return void socket.connect();
    // The session of the stored token ended. An expired token is renewed first: storing the new
    // pair reconnects through the client's token listener.
    const token = state.token;
    const reconnect = () => {
      if (!socket.active && !state.closed) socket.connect();
    };
    // A listener of the client that throws must not leave the socket down.
    if (state.sessionEnd.reason === 'expired' && hooks)
      return void renewThenReconnect(socket, storage, token, hooks).catch(reconnect);
    // Clearing the token reconnects (anonymously) through the client's token listener.
    if (!hooks) return void storage.clear();
    void hooks.sessionEnded(token).then(reconnect, reconnect);
  });
}

/** Reconnects with a renewed token, or forgets the dead one (which reconnects anonymously). */
async function renewThenReconnect(
  socket: RealtimeSocket,
  storage: TokenStorage,
  token: string,
  hooks: SessionHooks,
): Promise<void> {
  const fresh = await hooks.renew(token);
  if (fresh === null && storage.get() === token) await hooks.sessionEnded(token);
  // A token stored before this renewal (another refresh) changed nothing the listener heard.
  if (!socket.active) socket.connect();
}

/** How many failed connection attempts in a row `whenConnected` waits through before it rejects. */
export const connectAttempts = 3;

/**
 * Resolves once `socket` is connected. Rejects with `SocketError('connect_error')` at once when the
 * server refuses the connection, and after `connectAttempts` failed attempts in a row when the
 * connection itself fails (socket.io tries again after those: a lost request, a restarting server).
 * @internal
 */
export function whenConnected(socket: RealtimeSocket): Promise<void> {
  if (socket.connected) return Promise.resolve();
  return new Promise((resolve, reject) => {
    let failures = 0;
    const stopWatching = () => {
      socket.off('connect', onConnect);
      socket.off('connect_error', onError);
    };
    const onConnect = () => {
      stopWatching();
      resolve();
    };
    const onError = (error: Error) => {
      failures += 1;
      // An active socket tries again by itself; an inactive one was refused by the server.
      if (socket.active && failures < connectAttempts) return;
      stopWatching();
      reject(new SocketError('connect_error', error.message));
    };
    socket.on('connect', onConnect);
    socket.on('connect_error', onError);
  });
}
