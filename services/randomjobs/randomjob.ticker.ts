import type { AppLogger } from '../../libraries/appLogger';
import { messageOf } from '../../libraries/errors';
import type { JobsService } from '../jobs/jobs.service';
import type { JobQuery } from '../jobs/providers/provider';
import type { RandomJobsSocket } from './randomjobs.rooms';

/** One item of `items` at random; undefined when there is none. */
export function pick<T>(items: readonly T[]): T | undefined {
  return items.length === 0 ? undefined : items[Math.floor(Math.random() * items.length)];
}

/** The query of the whole pool: one frozen object, so the search service computes its keys once. */
const wholePool: JobQuery = Object.freeze({ fullTime: false });

/**
 * What each socket's timer runs: sends it a random job of the whole pool. A pool that cannot be
 * read is logged once until it can be read again, not once per socket and tick.
 */
export function createRandomJobEmitter(
  jobsService: JobsService,
  logger: AppLogger,
): (socket: RandomJobsSocket) => Promise<void> {
  let poolFailureLogged = false;
  return async (socket) => {
    try {
      // Every socket's tick: the cache answers it without a promise to wait for.
      const job = pick(jobsService.cached(wholePool) ?? (await jobsService.search(wholePool)));
      poolFailureLogged = false;
      if (job && socket.connected) socket.emit('randomJob', job);
    } catch (error) {
      if (!poolFailureLogged) logger.warn(`No random job to send: ${messageOf(error)}`);
      poolFailureLogged = true;
    }
  };
}
