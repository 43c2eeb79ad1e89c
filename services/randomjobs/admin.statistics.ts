import type { ClientToServerEvents } from '../../client/types';
import type { AppLogger } from '../../libraries/appLogger';
import type { SharedLatestResult } from '../../libraries/sharedLatestResult';
import { adminsRoom, type RandomJobsServer, type RandomJobsSocket } from './randomjobs.rooms';
import { serviceStatistics } from './statistics';

/** Sends the statistics of the whole service to every admin socket, on every process. */
async function sendStatistics(io: RandomJobsServer, latestResult: SharedLatestResult, logger: AppLogger) {
  try {
    io.to(adminsRoom).emit('adminStatistics', await serviceStatistics(io, latestResult));
  } catch (error) {
    logger.error('Gathering the statistics failed', error);
  }
}

/** `adminStatisticsRequest`: the statistics to every admin socket; `forbidden` to a socket outside the admins' room. */
export function handleAdminStatisticsRequest(
  io: RandomJobsServer,
  socket: RandomJobsSocket,
  latestResult: SharedLatestResult,
  logger: AppLogger,
): ClientToServerEvents['adminStatisticsRequest'] {
  return async () => {
    if (!socket.rooms.has(adminsRoom)) return void socket.emit('forbidden', { event: 'adminStatisticsRequest' });
    await sendStatistics(io, latestResult, logger);
  };
}

/** A new search result (from this process) means fresh statistics for the admins, unasked. Returns the unsubscribe. */
export function pushStatisticsOnSave(
  io: RandomJobsServer,
  latestResult: SharedLatestResult,
  logger: AppLogger,
): () => void {
  return latestResult.onShared(() => void sendStatistics(io, latestResult, logger));
}
