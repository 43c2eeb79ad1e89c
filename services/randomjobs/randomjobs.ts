import type { AccountEvents } from '../../libraries/accountEvents';
import type { AppLogger } from '../../libraries/appLogger';
import type { SharedLatestResult } from '../../libraries/sharedLatestResult';
import type { JobsService } from '../jobs/jobs.service';
import type { SessionsService } from '../sessions/sessions.service';
import { followAccountChanges } from './account.changes';
import { handleAdminStatisticsRequest, pushStatisticsOnSave } from './admin.statistics';
import { authenticateHandshake } from './handshake.authentication';
import { handleJobRequest, type ColdSearchLimit } from './jobrequest.handler';
import { createRandomJobEmitter } from './randomjob.ticker';
import type { RandomJobsServer, RandomJobsSocket } from './randomjobs.rooms';
import { armTokenExpiry, SocketTimers } from './socket.timers';
import { limitSocketEvents, SocketRateLimit } from './socket.rateLimit';

export { adminsRoom, sessionRoom, userRoom, type SocketData } from './randomjobs.rooms';

export interface RandomJobsOptions {
  /** Period of the `randomJob` event for each socket. */
  intervalMs: number;
  /** Events one socket may send per second (`socket_rate_limit`), unknown ones included. */
  requestsPerSecond: number;
  jobsService: JobsService;
  /** Counts the cold searches of `jobRequest` against `rate_limit_search` per client address, with HTTP's. */
  coldSearchLimit: ColdSearchLimit;
  /** The service's latest search result, whose size the statistics report. */
  latestResult: SharedLatestResult;
  /** Authenticates the handshakes' tokens, and checks the sockets again after lost account events. */
  sessions: Pick<SessionsService, 'authenticate' | 'verdicts'>;
  /** Logouts, deletions and admin changes from every process, which the sockets follow. */
  accountEvents: AccountEvents;
  logger: AppLogger;
}

export interface RandomJobs {
  /** Timers and listeners this component holds (each socket has one timer while connected). */
  counts(): { sockets: number; timers: number };
  /** Stops every timer and unsubscribes (the sockets themselves are closed by socket.io). */
  close(): void;
}

/**
 * The `/random-jobs` real-time endpoint: a `randomJob` to each socket every `intervalMs`,
 * `jobRequest` for a location, and the private `admins` room with its statistics. All socket.io
 * code of the server lives in this folder.
 */
export function attachRandomJobs(io: RandomJobsServer, options: RandomJobsOptions): RandomJobs {
  const { jobsService, latestResult, sessions, logger } = options;
  const timers = new Set<NodeJS.Timeout>();
  const emitRandomJob = createRandomJobEmitter(jobsService, logger);
  const accountChanges = followAccountChanges(io, options.accountEvents, sessions, logger);

  /** Each socket: its random-job timer, its token's expiry, its events' limit, its two requests, and its timers' end. */
  const onConnection = (socket: RandomJobsSocket): void => {
    const own = new SocketTimers(timers);
    own.every(options.intervalMs, () => void emitRandomJob(socket));
    if (socket.data.claims) armTokenExpiry(socket, socket.data.claims, own);
    limitSocketEvents(socket, new SocketRateLimit({ perSecond: options.requestsPerSecond }));
    socket.on('jobRequest', handleJobRequest(socket, jobsService, options.coldSearchLimit, logger));
    socket.on('adminStatisticsRequest', handleAdminStatisticsRequest(io, socket, latestResult, logger));
    socket.once('disconnect', () => own.clear());
    accountChanges.catchUp(socket);
  };

  io.use(authenticateHandshake({ sessions, logger }));
  io.on('connection', onConnection);
  const unsubscribeSaved = pushStatisticsOnSave(io, latestResult, logger);

  return {
    counts: () => ({ sockets: io.of('/').sockets.size, timers: timers.size }),
    close() {
      unsubscribeSaved();
      accountChanges.close();
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}
