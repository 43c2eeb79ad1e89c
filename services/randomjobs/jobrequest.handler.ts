import type { ClientToServerEvents, Job } from '../../client/types';
import type { AppLogger } from '../../libraries/appLogger';
import { HttpError, messageOf } from '../../libraries/errors';
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

/**
 * Counts a cold search (one that asks the job board) of a socket against `rate_limit_search` for its
 * client address, the same counter as HTTP's cold searches.
 * @throws HttpError 429 over the limit, 503 when it cannot be counted
 */
export type ColdSearchLimit = (socket: RandomJobsSocket) => Promise<void>;

/**
 * `jobRequest`: a random job in the location as `randomJob`, else `jobNotFound`; the ack gets the job
 * or null. A cold search refused by `coldSearchLimit` is only acknowledged, with `{ error: "rate limited" }`
 * or, when its limit cannot be counted, `{ error: "unavailable" }`: nothing is asked upstream.
 */
export function handleJobRequest(
  socket: RandomJobsSocket,
  jobsService: Pick<JobsService, 'search' | 'isCold'>,
  coldSearchLimit: ColdSearchLimit,
  logger: AppLogger,
): ClientToServerEvents['jobRequest'] {
  return async (payload, ack) => {
    const location = locationOf(payload);
    let job: Job | null = null;
    if (location !== undefined) {
      const query = { location, fullTime: false };
      if (jobsService.isCold(query)) {
        try {
          await coldSearchLimit(socket);
        } catch (error) {
          // Over the limit (429), or the limit cannot be counted (503, Redis away): refused either way, as over HTTP.
          if (typeof ack === 'function')
            ack({ error: error instanceof HttpError && error.status === 503 ? 'unavailable' : 'rate limited' });
          return;
        }
      }
      try {
        job = pick(await jobsService.search(query)) ?? null;
      } catch (error) {
        logger.warn(`jobRequest failed: ${messageOf(error)}`);
      }
    }
    if (job) socket.emit('randomJob', job);
    else socket.emit('jobNotFound', { location: location ?? '' });
    if (typeof ack === 'function') ack({ job });
  };
}
