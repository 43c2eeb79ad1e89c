import type { AdminStatistics, ClientToServerEvents } from '../../client/types';
import type { AppLogger } from '../../libraries/appLogger';
import type { LatestResult } from '../../libraries/dataLogger';
import { adminsRoom, type RandomJobsServer, type RandomJobsSocket } from './randomjobs.rooms';

async function statistics(latestResult: LatestResult): Promise<AdminStatistics> {
  return { availableJobs: (await latestResult.read()).length };
}

/** `adminStatisticsRequest`: the statistics to every admin socket; `forbidden` to a socket outside the admins' room. */
export function handleAdminStatisticsRequest(
  io: RandomJobsServer,
  socket: RandomJobsSocket,
  latestResult: LatestResult,
  logger: AppLogger,
): ClientToServerEvents['adminStatisticsRequest'] {
  return async () => {
    if (!socket.rooms.has(adminsRoom)) return void socket.emit('forbidden', { event: 'adminStatisticsRequest' });
    try {
      io.to(adminsRoom).emit('adminStatistics', await statistics(latestResult));
    } catch (error) {
      logger.error('Reading the statistics failed', error);
    }
  };
}

/** A fresh search result means fresh statistics for the admins, unasked. Returns the unsubscribe. */
export function pushStatisticsOnSave(io: RandomJobsServer, latestResult: LatestResult): () => void {
  return latestResult.onSaved((jobs) => io.to(adminsRoom).emit('adminStatistics', { availableJobs: jobs.length }));
}
