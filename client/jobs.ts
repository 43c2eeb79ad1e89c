import type { AxiosInstance } from 'axios';
import { connectRealtime, type RealtimeConnection, type RealtimeOptions } from './realtime';
import type { SessionHooks } from './realtime.connection';
import type { ObservableStorage } from './storage';
import type { Job, JobSearchQuery } from './types';

/** Job search over `GET /`. */
export interface JobsApi {
  /**
   * Searches jobs; the server also saves the result as its latest search.
   * @throws ApiError 422 for a bad query, 502 when the job board is down and nothing is cached
   */
  search(query?: JobSearchQuery): Promise<Job[]>;
  /**
   * Opens the real-time connection (`/random-jobs`), authenticated with the current token; it
   * reconnects with the new token after `login`, and anonymously after `logout`.
   */
  connect(options?: RealtimeOptions): RealtimeConnection;
}

/** @internal */
export function createJobsApi(
  http: AxiosInstance,
  baseURL: string,
  storage: ObservableStorage,
  hooks: SessionHooks,
): JobsApi {
  return {
    connect: (options) => connectRealtime(baseURL, storage, (listener) => storage.onChange(listener), options, hooks),
    async search(query = {}) {
      const params: Record<string, string> = {};
      if (query.location !== undefined) params.location = query.location;
      if (query.description !== undefined) params.description = query.description;
      if (query.full_time !== undefined) params.full_time = String(query.full_time);
      const response = await http.get<Job[]>('/', { params });
      return response.data;
    },
  };
}
