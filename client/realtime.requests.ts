import { SocketError } from './errors';
import type { ConnectionState, RealtimeSocket } from './realtime.connection';
import type { AdminStatistics, Job } from './types';

/** What a request needs: the socket, its state, and how long to wait for the answer. */
export interface RequestContext {
  socket: RealtimeSocket;
  state: ConnectionState;
  timeoutMs: number;
}

/** Starts a request; gets its settlers and returns what removes its listeners. */
type Work<T> = (resolve: (value: T) => void, reject: (error: SocketError) => void) => () => void;

/**
 * Runs `work` and rejects when the socket disconnects before it settles, or after `timeoutMs`.
 * @internal
 */
export function whileConnected<T>({ socket, state, timeoutMs }: RequestContext, work: Work<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    // Refused by the server and not retrying: waiting would only end in a timeout.
    if (!socket.connected && !socket.active) {
      return reject(
        new SocketError('disconnected', state.refusal ? `Not connected: ${state.refusal}` : 'Not connected.'),
      );
    }
    const timer = setTimeout(
      () => finish(() => reject(new SocketError('timeout', `No answer within ${timeoutMs} ms.`))),
      timeoutMs,
    );
    const onDisconnect = () =>
      finish(() => reject(new SocketError('disconnected', 'The connection closed before the answer came.')));
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
}

const rateLimited = () => new SocketError('rate_limited', 'Too many requests on this connection; slow down.');
const unavailable = () =>
  new SocketError('unavailable', 'The search cannot be done now (a service of the server is down); try again shortly.');

/**
 * Asks for a random job in `location`; resolves null when there is none. Rejects with
 * `rate_limited` over a limit, `unavailable` when the server cannot count the search's limit.
 * @internal
 */
export function requestJob(context: RequestContext, location: string): Promise<Job | null> {
  return whileConnected<Job | null>(context, (resolve, reject) => {
    context.socket.emit('jobRequest', location, (answer) =>
      'job' in answer ? resolve(answer.job) : reject(answer.error === 'unavailable' ? unavailable() : rateLimited()),
    );
    return () => undefined;
  });
}

/**
 * Asks for the admin statistics; rejects with `SocketError('forbidden')` for a socket that is not an admin's.
 * @internal
 */
export function requestAdminStatistics(context: RequestContext): Promise<AdminStatistics> {
  const { socket } = context;
  return whileConnected<AdminStatistics>(context, (resolve, reject) => {
    const onStatistics = (statistics: AdminStatistics) => resolve(statistics);
    const onForbidden = (payload: { event: string }) => {
      if (payload.event === 'adminStatisticsRequest')
        reject(new SocketError('forbidden', 'Only admins may request the statistics.'));
    };
    socket.on('adminStatistics', onStatistics);
    socket.on('forbidden', onForbidden);
    socket.emit('adminStatisticsRequest', () => reject(rateLimited()));
    return () => {
      socket.off('adminStatistics', onStatistics);
      socket.off('forbidden', onForbidden);
    };
  });
}
