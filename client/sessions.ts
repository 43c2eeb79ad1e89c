import type { AxiosInstance } from 'axios';
import type { AuthState } from './auth';
import { ApiError } from './errors';
import type { SessionRefresher } from './refresh';
import type { TokenStorage } from './storage';
import { readTokenPayload } from './token';
import type {
  Credentials,
  DataEnvelope,
  LogoutQuery,
  MessageBody,
  PublicUser,
  Session,
  SessionResponse,
} from './types';

/** The session over `/sessions`: the tokens are kept in the client's storage and the access token sent on every request. */
export interface SessionsApi {
  /**
   * Logs in and stores the access and refresh tokens, so the following requests are authenticated.
   * @throws ApiError 401 for a wrong email or password (alike); 422 when a field is missing; 429 when trying too often
   */
  login(credentials: Credentials): Promise<SessionResponse>;
  /**
   * Trades the stored refresh token for a new pair and stores it (the old refresh token is spent).
   * The client does this by itself before the access token expires (`autoRefresh`); calls during
   * a refresh in progress share it. When the server refuses the refresh token (401: the session
   * has ended, or the token was already spent, which ends the session), both stored tokens are
   * forgotten and `onAuthStateChange` hears `sessionEnded`.
   * @throws ApiError 401 `refresh_token_invalid` (also without a stored refresh token, asking
   * nothing) or `refresh_token_reused`; 503 when the session store is unavailable
   */
  refresh(): Promise<SessionResponse>;
  /**
   * The logged-in user.
   * @throws ApiError 401 without a token; 403 when it is expired or revoked
   */
  current(): Promise<PublicUser>;
  /**
   * Logs out. `scope: 'local'` (the default): the server ends this session; `'others'`: every
   * other session of the user (other devices), this one keeps working; `'all'`: every session of
   * the user. With `local` and `all` the client forgets its tokens — also when the server already
   * refuses them (401/403); on other failures (e.g. 503) they are kept, so the caller can try again.
   * @throws ApiError 422 for an unknown scope
   */
  logout(options?: LogoutQuery): Promise<void>;
  /**
   * The sessions (logins) of a user, the one of this client marked `current`.
   * @param userId the logged-in user, or anyone for an admin
   * @throws ApiError 403 for someone else's sessions; 404 for an unknown user
   */
  list(userId: string): Promise<Session[]>;
  /**
   * Ends one session of a user: its tokens are refused and its sockets disconnected. When it is this
   * client's own session, the stored tokens are forgotten.
   * @param userId the logged-in user, or anyone for an admin
   * @param sessionId the `id` of a session `list` returned
   * @throws ApiError 403 for someone else's sessions; 404 for an unknown session of this user
   */
  end(userId: string, sessionId: string): Promise<void>;
}

/** @internal use `client.sessions` */
export function createSessionsApi(
  http: AxiosInstance,
  storage: TokenStorage,
  auth: AuthState,
  refresher: SessionRefresher,
): SessionsApi {
  const sessionsPath = (userId: string) => `/users/${encodeURIComponent(userId)}/sessions`;
  return {
    async login(credentials) {
      const session = (await http.post<SessionResponse>('/sessions', credentials)).data;
      storage.set(session.token, session.refreshToken);
      auth.emit(session.data, 'signedIn');
      return session;
    },
    refresh: () => refresher.refresh(),
    async current() {
      const user = (await http.get<DataEnvelope<PublicUser>>('/sessions')).data.data;
      auth.update(user);
      return user;
    },
    async logout(options = {}) {
      const scope = options.scope ?? 'local';
      let refused = false;
      try {
        const params = options.scope === undefined ? {} : { scope };
        await auth.endingSession(scope === 'others' ? null : storage.get(), () =>
          http.delete<MessageBody>('/sessions', { params }),
        );
      } catch (error) {
        if (!(error instanceof ApiError) || (error.status !== 401 && error.status !== 403)) throw error;
        refused = true;
      }
      if (scope !== 'others' || refused) {
        storage.clear();
        auth.emit(null, 'signedOut');
      }
    },
    async list(userId) {
      return (await http.get<DataEnvelope<Session[]>>(sessionsPath(userId))).data.data;
    },
    async end(userId, sessionId) {
      const token = storage.get();
      const own = token !== null && readTokenPayload(token).sid === sessionId;
      await auth.endingSession(own ? token : null, () =>
        http.delete(`${sessionsPath(userId)}/${encodeURIComponent(sessionId)}`),
      );
      if (token !== null && storage.get() === token && readTokenPayload(token).sid === sessionId) {
        storage.clear();
        auth.emit(null, 'signedOut');
      }
    },
  };
}
