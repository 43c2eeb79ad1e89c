import { HttpError, messageOf } from '../../libraries/errors';
import type { Server, Socket } from 'socket.io';
import type { AdminStatistics, ClientToServerEvents, Job, ServerToClientEvents } from '../../client/types';
import type { AppLogger } from '../../libraries/appLogger';
import type { DataLogger } from '../../libraries/dataLogger';
import type { JwtManager, TokenClaims } from '../../libraries/jwtManager';
import type { JobsService } from '../jobs/jobs.service';

/** The private room of admin sockets. */
export const adminsRoom = 'admins';
/** The room of every socket authenticated with one token, so a logout reaches it on any server. */
export const tokenRoom = (jti: string) => `token:${jti}`;

/** What the handshake established about a socket. */
export interface SocketData {
  userId?: string;
  claims?: TokenClaims;
}

type RandomJobsServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
type RandomJobsSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

export interface RandomJobsOptions {
  /** Period of the `randomJob` event for each socket. */
  intervalMs: number;
  jobsService: JobsService;
  dataLogger: DataLogger;
  jwtManager: JwtManager;
  /** Whether a user is an admin now; undefined when the user does not exist. */
  isAdmin(userId: string): Promise<boolean | undefined>;
  logger: AppLogger;
}

export interface RandomJobs {
  /** Timers and listeners this component holds (each socket has one timer while connected). */
  counts(): { sockets: number; timers: number };
  /** Stops every timer and unsubscribes (the sockets themselves are closed by socket.io). */
  close(): void;
}

/** setTimeout's longest delay; a longer token lifetime is re-armed when it fires. */
const maxTimerMs = 2 ** 31 - 1;
const maxLocationLength = 200;

function pick<T>(items: readonly T[]): T | undefined {
  return items.length === 0 ? undefined : items[Math.floor(Math.random() * items.length)];
}

/** Reads the `location` of a `jobRequest` (a string or `{ location }`). */
function locationOf(payload: unknown): string | undefined {
  const raw = typeof payload === 'object' && payload !== null ? (payload as { location?: unknown }).location : payload;
  if (typeof raw !== 'string') return undefined;
  const location = raw.trim();
  return location.length > 0 && location.length <= maxLocationLength ? location : undefined;
}

/** The token of a handshake: `auth.token`, else the `token` query parameter. */
function handshakeToken(socket: RandomJobsSocket): string | undefined {
  const fromAuth: unknown = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
  const fromQuery: unknown = socket.handshake.query.token;
  const token = typeof fromAuth === 'string' && fromAuth !== '' ? fromAuth : fromQuery;
  return typeof token === 'string' && token !== '' ? token : undefined;
}

/**
 * The `/random-jobs` real-time endpoint: a `randomJob` to each socket every `intervalMs`,
 * `jobRequest` for a location, and the private `admins` room with its statistics. All socket.io
 * code of the server lives here.
 */
export function attachRandomJobs(io: RandomJobsServer, options: RandomJobsOptions): RandomJobs {
  const { jobsService, dataLogger, jwtManager, logger } = options;
  const timers = new Set<NodeJS.Timeout>();
  let poolFailureLogged = false;

  const statistics = async (): Promise<AdminStatistics> => ({ availableJobs: (await dataLogger.read()).length });

  io.use(async (socket, next) => {
    const token = handshakeToken(socket);
    if (!token) return next();
    try {
      const claims = await jwtManager.verify(token);
      const admin = await options.isAdmin(claims.sub);
      if (admin === undefined) return next(new Error('The token belongs to a user who no longer exists.'));
      socket.data.userId = claims.sub;
      socket.data.claims = claims;
      await socket.join(admin ? [tokenRoom(claims.jti), adminsRoom] : [tokenRoom(claims.jti)]);
      next();
    } catch (error) {
      // A refused token or an unavailable store carries a message meant for the client.
      if (error instanceof HttpError) return next(new Error(error.message));
      logger.error('Socket handshake failed', error);
      next(new Error('The connection could not be authenticated; try again.'));
    }
  });

  const emitRandomJob = async (socket: RandomJobsSocket) => {
    try {
      const job = pick(await jobsService.search({ fullTime: false }));
      poolFailureLogged = false;
      if (job && socket.connected) socket.emit('randomJob', job);
    } catch (error) {
      if (!poolFailureLogged) logger.warn(`No random job to send: ${messageOf(error)}`);
      poolFailureLogged = true;
    }
  };

  /** Ends the socket's authentication when its token expires; the timer is kept in `own` too. */
  const armExpiry = (socket: RandomJobsSocket, claims: TokenClaims, own: Set<NodeJS.Timeout>): void => {
    const remaining = claims.exp * 1000 - Date.now();
    const timer = setTimeout(() => {
      timers.delete(timer);
      own.delete(timer);
      if (remaining > maxTimerMs) armExpiry(socket, claims, own);
      else socket.disconnect(true);
    }, Math.min(Math.max(remaining, 0), maxTimerMs));
    timers.add(timer);
    own.add(timer);
  };

  io.on('connection', (socket) => {
    const own = new Set<NodeJS.Timeout>();
    const ticker = setInterval(() => void emitRandomJob(socket), options.intervalMs);
    own.add(ticker);
    timers.add(ticker);
    if (socket.data.claims) armExpiry(socket, socket.data.claims, own);

    socket.on('jobRequest', async (payload, ack) => {
      const location = locationOf(payload);
      let job: Job | null = null;
      if (location !== undefined) {
        try {
          job = pick(await jobsService.search({ location, fullTime: false })) ?? null;
        } catch (error) {
          logger.warn(`jobRequest failed: ${messageOf(error)}`);
        }
      }
      if (job) socket.emit('randomJob', job);
      else socket.emit('jobNotFound', { location: location ?? '' });
      if (typeof ack === 'function') ack({ job });
    });

    socket.on('adminStatisticsRequest', async () => {
      if (!socket.rooms.has(adminsRoom)) return void socket.emit('forbidden', { event: 'adminStatisticsRequest' });
      try {
        io.to(adminsRoom).emit('adminStatistics', await statistics());
      } catch (error) {
        logger.error('Reading the statistics failed', error);
      }
    });

    socket.once('disconnect', () => {
      for (const timer of own) {
        clearTimeout(timer);
        timers.delete(timer);
      }
      own.clear();
    });
  });

  // A fresh search result means fresh statistics for the admins, unasked.
  const unsubscribeSaved = dataLogger.onSaved((jobs) => io.to(adminsRoom).emit('adminStatistics', { availableJobs: jobs.length }));
  // A logout ends the token's sockets' authentication on every server sharing the adapter.
  const unsubscribeRevoked = jwtManager.onRevoked((claims) => io.in(tokenRoom(claims.jti)).disconnectSockets(true));

  return {
    counts: () => ({ sockets: io.of('/').sockets.size, timers: timers.size }),
    close() {
      unsubscribeSaved();
      unsubscribeRevoked();
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}
