import type { Socket } from 'socket.io-client';
import type { SocketError } from './errors';
import {
  openSocket,
  watchConnection,
  whenConnected,
  type ConnectionState,
  type SessionHooks,
} from './realtime.connection';
import { requestAdminStatistics, requestJob, type RequestContext } from './realtime.requests';
import type { TokenStorage } from './storage';
import type { AdminStatistics, ClientToServerEvents, Job, ServerToClientEvents, SessionEnd } from './types';

export interface RealtimeOptions {
  /** How long `requestJob` and `requestAdminStatistics` wait for an answer; 10 s by default. */
  timeoutMs?: number;
  /** socket.io transports; `['websocket', 'polling']` by default (WebSocket first, long-polling as fallback). */
  transports?: ('websocket' | 'polling' | 'webtransport')[];
}

/** A live connection to `/random-jobs`. */
export interface RealtimeConnection {
  /** The underlying socket.io socket, for anything the typed methods do not cover. */
  readonly socket: Socket<ServerToClientEvents, ClientToServerEvents>;
  /**
   * Resolves once connected, waiting through up to two failed attempts that socket.io makes again
   * by itself (a lost request, a restarting server). Rejects with `SocketError('connect_error')` at
   * once when the server refuses the token, or after the third failed attempt in a row.
   */
  connected(): Promise<void>;
  /** Calls `listener` with each `randomJob`. Returns the unsubscribe. */
  onRandomJob(listener: (job: Job) => void): () => void;
  /** Calls `listener` with each `adminStatistics` (admins only). Returns the unsubscribe. */
  onAdminStatistics(listener: (statistics: AdminStatistics) => void): () => void;
  /**
   * Calls `listener` with connection failures (a refused token, a lost connection). The reconnection
   * that follows a login or logout is not one. Returns the unsubscribe.
   */
  onError(listener: (error: SocketError) => void): () => void;
  /**
   * Calls `listener` when the server ends the session of this socket — its token was logged out
   * (here or elsewhere), refused after a password change, or expired, or its user was deleted.
   * This is not an error: the socket comes back anonymously (the dead token is cleared from the
   * client's storage) or with a newer stored token. Returns the unsubscribe.
   */
  onSessionEnd(listener: (end: SessionEnd) => void): () => void;
  /**
   * Asks for a random job in `location`; resolves null when there is none.
   * @throws SocketError `timeout` or `disconnected`
   */
  requestJob(location: string): Promise<Job | null>;
  /**
   * Asks for the admin statistics (they go to every admin socket).
   * @throws SocketError `forbidden` for a socket that is not an admin's, `timeout`, `disconnected`
   */
  requestAdminStatistics(): Promise<AdminStatistics>;
  /** Reconnects, authenticating with the token stored now (or anonymously). */
  reconnect(): void;
  /** Closes the connection for good. */
  close(): void;
}

/**
 * Connects to the real-time endpoint, authenticated with the stored token when there is one.
 * @param subscribeTokenChange called once with a listener to run when the token changes (login, logout)
 * @param hooks what the client does when the socket's token expires, its session ends or its admin status changes
 * @internal use `client.jobs.connect()`
 */
export function connectRealtime(
  baseURL: string,
  storage: TokenStorage,
  subscribeTokenChange: (listener: () => void) => () => void,
  options: RealtimeOptions = {},
  hooks?: SessionHooks,
): RealtimeConnection {
  const state: ConnectionState = { closed: false, refusal: undefined, token: null, sessionEnd: undefined };
  const socket = openSocket(baseURL, storage, state, options.transports ?? ['websocket', 'polling'], hooks);
  const errorListeners = new Set<(error: SocketError) => void>();
  const sessionEndListeners = new Set<(end: SessionEnd) => void>();
  watchConnection(
    socket,
    storage,
    state,
    {
      error: (error) => errorListeners.forEach((listener) => listener(error)),
      sessionEnd: (end) => sessionEndListeners.forEach((listener) => listener(end)),
    },
    hooks,
  );

  const reconnect = () => {
    if (state.closed) return;
    socket.disconnect();
    socket.connect();
  };
  const unsubscribeToken = subscribeTokenChange(reconnect);
  const requests: RequestContext = { socket, state, timeoutMs: options.timeoutMs ?? 10_000 };

  return {
    socket,
    connected: () => whenConnected(socket),
    onRandomJob(listener) {
      socket.on('randomJob', listener);
      return () => void socket.off('randomJob', listener);
    },
    onAdminStatistics(listener) {
      socket.on('adminStatistics', listener);
      return () => void socket.off('adminStatistics', listener);
    },
    onError(listener) {
      errorListeners.add(listener);
      return () => void errorListeners.delete(listener);
    },
    onSessionEnd(listener) {
      sessionEndListeners.add(listener);
      return () => void sessionEndListeners.delete(listener);
    },
    requestJob: (location) => requestJob(requests, location),
    requestAdminStatistics: () => requestAdminStatistics(requests),
    reconnect,
    close() {
      state.closed = true;
      unsubscribeToken();
      errorListeners.clear();
      sessionEndListeners.clear();
      socket.disconnect();
    },
  };
}
