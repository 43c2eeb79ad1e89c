import { createEmailVerificationsApi, type EmailVerificationsApi } from './emailVerifications';
import { createHttp } from './http';
import { createImagesApi, type ImagesApi } from './images';
import { createJobsApi, type JobsApi } from './jobs';
import { createPasswordResetsApi, type PasswordResetsApi } from './passwordResets';
import { createSessionsApi, type SessionsApi } from './sessions';
import { createUsersApi, type UsersApi } from './users';
import { MemoryStorage, observeStorage, type TokenStorage } from './storage';

export * from './types';
export { ApiError, SocketError, type ApiErrorCode, type SocketErrorCode } from './errors';
export type { RealtimeConnection, RealtimeOptions } from './realtime';
export { MemoryStorage, LocalStorageAdapter, type TokenStorage, type WebStorageLike } from './storage';
export type { JobsApi } from './jobs';
export type { UsersApi } from './users';
export type { ImagesApi, ImageBytes } from './images';
export type { SessionsApi } from './sessions';
export type { PasswordResetsApi } from './passwordResets';
export type { EmailVerificationsApi } from './emailVerifications';

export interface ClientOptions {
  /** The server's URL, e.g. `http://localhost:3000`. */
  baseURL: string;
  /** Where the access and refresh tokens are kept; memory by default. */
  storage?: TokenStorage;
  /** Request timeout in milliseconds; 30 s by default, 0 for none. */
  timeout?: number;
}

export interface NodeJobsClient {
  readonly baseURL: string;
  readonly storage: TokenStorage;
  readonly jobs: JobsApi;
  /** Users, with their profile pictures (`uploadImage`). */
  readonly users: UsersApi & ImagesApi;
  readonly sessions: SessionsApi;
  /** A forgotten password: a link by mail, then a new password. */
  readonly passwordResets: PasswordResetsApi;
  /** Verifying the user's email with the mailed link, and asking for a new link. */
  readonly emailVerifications: EmailVerificationsApi;
  /** Calls `listener` with the access token whenever the tokens are set (login, refresh) or cleared (logout). Returns the unsubscribe. */
  onTokenChange(listener: (token: string | null) => void): () => void;
}

/**
 * Creates a client for a node-jobs server.
 * @example
 * const client = createClient({ baseURL: 'http://localhost:3000' });
 * const jobs = await client.jobs.search({ location: 'Berlin', full_time: true });
 */
export function createClient(options: ClientOptions): NodeJobsClient {
  // Every token change goes through this wrapper, so sockets can follow logins and logouts.
  const storage = observeStorage(options.storage ?? new MemoryStorage());
  const http = createHttp(options.baseURL, storage, options.timeout ?? 30_000);
  return {
    baseURL: options.baseURL,
    storage,
    jobs: createJobsApi(http, options.baseURL, storage),
    users: { ...createUsersApi(http, storage), ...createImagesApi(http) },
    sessions: createSessionsApi(http, storage),
    passwordResets: createPasswordResetsApi(http),
    emailVerifications: createEmailVerificationsApi(http),
    onTokenChange: (listener) => storage.onChange(listener),
  };
}
