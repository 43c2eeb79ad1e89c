import type { ClientToServerEvents, Job } from '../../client/types';
import type { AppLogger } from '../../libraries/appLogger';
import { messageOf } from '../../libraries/errors';
import type { JobsService } from '../jobs/jobs.service';
import { pick } from './randomjob.ticker';
import type { RandomJobsSocket } from './randomjobs.rooms';

const maxLocationLength = 200;

/** Reads the `location` of a `jobRequest` (a string or `{ location }`). */
function locationOf(payload: unknown): string | undefined {
  const raw = typeof payload === 'object' && payload !== null ? (payload as { location?: unknown }).location : payload;
  if (typeof raw !== 'string') return undefined;
  const location = raw.trim();
  return location.length > 0 && location.length <= maxLocationLength ? location : undefined;
}

/** `jobRequest`: a random job in the location as `randomJob`, else `jobNotFound`; the ack gets the job or null. */
export function handleJobRequest(
  socket: RandomJobsSocket,
  jobsService: JobsService,
  logger: AppLogger,
): ClientToServerEvents['jobRequest'] {
  return async (payload, ack) => {
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
  };
}
