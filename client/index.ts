import { AuthState, type AuthStateListener } from './auth';
import { createEmailVerificationsApi, type EmailVerificationsApi } from './emailVerifications';
import { createHttp } from './http';
import { createImagesApi, type ImagesApi } from './images';
import { createJobsApi, type JobsApi } from './jobs';
import { createPasswordResetsApi, type PasswordResetsApi } from './passwordResets';
import type { SessionHooks } from './realtime.connection';
import { SessionRefresher } from './refresh';
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
export type { AuthEvent, AuthStateListener } from './auth';

export interface ClientOptions {
  /** The server's URL, e.g. `http://localhost:3000`. */
  baseURL: string;
  /** Where the access and refresh tokens are kept; memory by default. */
  storage?: TokenStorage;
  /** Request timeout in milliseconds; 30 s by default, 0 for none. */
  timeout?: number;
  /**
   * Renew the access token by itself (true by default): shortly before it expires (one refresh
   * at a time), before a request or a socket connection would send an expired one, and once
   * after a 403 `token_expired`. Off, only `sessions.refresh()` renews it.
   */
  autoRefresh?: boolean;
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
  /**
   * Calls `listener(user, event)` when the signed-in user changes: `signedIn`, `signedOut`,
   * `tokenRefreshed`, `userUpdated` (an admin change pushed over a real-time connection included)
   * or `sessionEnded` (ended by the server: logged out elsewhere, refused refresh, deleted).
   * `user` is null after `signedOut` and `sessionEnded`. Returns the unsubscribe.
   */
  onAuthStateChange(listener: AuthStateListener): () => void;
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
  const timeout = options.timeout ?? 30_000;
  const auth = new AuthState();
  // Refreshing needs no access token: its own axios instance, which never refreshes.
  const refresher = new SessionRefresher(
    createHttp(options.baseURL, storage, timeout),
    storage,
    auth,
    options.autoRefresh ?? true,
  );
  const http = createHttp(options.baseURL, storage, timeout, refresher);
  const sessions = createSessionsApi(http, storage, auth, refresher);
  const hooks: SessionHooks = {
    tokenToSend: () => refresher.tokenToSend(),
    renew: (token) => refresher.renewAfterExpiry(token),
    async sessionEnded(token) {
      // This client's own logout or password change: its end says what happens to the tokens.
      const local = auth.endingHereSettled(token);
      if (local) return local;
      if (storage.get() !== token) return;
      storage.clear();
      auth.emit(null, 'sessionEnded');
    },
    adminChanged(admin) {
      const user = auth.user;
      if (user) auth.update({ ...user, admin });
      // Not known yet (a page reloaded with a stored token): read it, which reports the update.
      else sessions.current().catch(() => undefined);
    },
  };
  return {
    baseURL: options.baseURL,
    storage,
    jobs: createJobsApi(http, options.baseURL, storage, hooks),
    users: { ...createUsersApi(http, storage, auth), ...createImagesApi(http) },
    sessions,
    passwordResets: createPasswordResetsApi(http),
    emailVerifications: createEmailVerificationsApi(http, storage, auth),
    onTokenChange: (listener) => storage.onChange(listener),
    onAuthStateChange: (listener) => auth.subscribe(listener),
  };
}
