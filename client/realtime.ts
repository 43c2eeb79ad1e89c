import { io, type Socket } from 'socket.io-client';
import { SocketError } from './errors';
import type { TokenStorage } from './storage';
import { randomJobsPath, type AdminStatistics, type ClientToServerEvents, type Job, type ServerToClientEvents } from './types';

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
  /** Resolves once connected; rejects with `SocketError('connect_error')` when the server refuses the token. */
  connected(): Promise<void>;
  /** Calls `listener` with each `randomJob`. Returns the unsubscribe. */
  onRandomJob(listener: (job: Job) => void): () => void;
  /** Calls `listener` with each `adminStatistics` (admins only). Returns the unsubscribe. */
  onAdminStatistics(listener: (statistics: AdminStatistics) => void): () => void;
  /** Calls `listener` with connection failures (a refused token, a lost connection). Returns the unsubscribe. */
  onError(listener: (error: SocketError) => void): () => void;
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
 * @internal use `client.jobs.connect()`
 */
export function connectRealtime(
  baseURL: string,
  storage: TokenStorage,
  subscribeTokenChange: (listener: () => void) => () => void,
  options: RealtimeOptions = {},
): RealtimeConnection {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(baseURL, {
    path: randomJobsPath,
    transports: options.transports ?? ['websocket', 'polling'],
    // Read on every (re)connection, so a login or logout takes effect on the next one.
    auth: (callback) => {
      const token = storage.get();
      callback(token ? { token } : {});
    },
  });
  const errorListeners = new Set<(error: SocketError) => void>();
  const report = (error: SocketError) => errorListeners.forEach((listener) => listener(error));
  let closed = false;
  let refusal: string | undefined;

  socket.on('connect', () => (refusal = undefined));
  socket.on('connect_error', (error) => {
    refusal = error.message;
    report(new SocketError('connect_error', error.message));
  });
  socket.on('disconnect', (reason) => {
    if (closed) return;
    report(new SocketError('disconnected', `Disconnected: ${reason}.`));
    // The server ends a socket whose token expired or was revoked; come back with the current token.
    if (reason === 'io server disconnect') socket.connect();
  });

  const reconnect = () => {
    if (closed) return;
    socket.disconnect();
    socket.connect();
  };
  const unsubscribeToken = subscribeTokenChange(reconnect);

  /** Rejects when the socket disconnects before `work` settles. */
  const whileConnected = <T>(work: (resolve: (value: T) => void, reject: (error: SocketError) => void) => () => void): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      // Refused by the server and not retrying: waiting would only end in a timeout.
      if (!socket.connected && !socket.active) {
        return reject(new SocketError('disconnected', refusal ? `Not connected: ${refusal}` : 'Not connected.'));
      }
      const timer = setTimeout(() => finish(() => reject(new SocketError('timeout', `No answer within ${timeoutMs} ms.`))), timeoutMs);
      const onDisconnect = () => finish(() => reject(new SocketError('disconnected', 'The connection closed before the answer came.')));
      let cleanup = () => undefined as void;
      const finish = (settle: () => void) => {
        clearTimeout(timer);
        socket.off('disconnect', onDisconnect);
        cleanup();
        settle();
      };
      socket.on('disconnect', onDisconnect);
      cleanup = work(
        (value) => finish(() => resolve(value)),
        (error) => finish(() => reject(error)),
      );
    });

  return {
    socket,
    connected() {
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
    },
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
    requestJob(location) {
      return whileConnected<Job | null>((resolve) => {
        socket.emit('jobRequest', location, (answer) => resolve(answer.job));
        return () => undefined;
      });
    },
    requestAdminStatistics() {
      return whileConnected<AdminStatistics>((resolve, reject) => {
        const onStatistics = (statistics: AdminStatistics) => resolve(statistics);
        const onForbidden = (payload: { event: string }) => {
          if (payload.event === 'adminStatisticsRequest') reject(new SocketError('forbidden', 'Only admins may request the statistics.'));
        };
        socket.on('adminStatistics', onStatistics);
        socket.on('forbidden', onForbidden);
        socket.emit('adminStatisticsRequest');
        return () => {
          socket.off('adminStatistics', onStatistics);
          socket.off('forbidden', onForbidden);
        };
      });
    },
    reconnect,
    close() {
      closed = true;
      unsubscribeToken();
      errorListeners.clear();
      socket.disconnect();
    },
  };
}
