import type { AxiosInstance } from 'axios';
import { ApiError } from './errors';
import type { TokenStorage } from './storage';
import { readTokenPayload } from './token';
import type {
  Credentials,
  DataEnvelope,
  LogoutQuery,
  MessageBody,
  PublicUser,
  RefreshRequest,
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
   * When the server refuses the refresh token (401: the session has ended, or the token was
   * already spent, which ends the session), both stored tokens are forgotten.
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
export function createSessionsApi(http: AxiosInstance, storage: TokenStorage): SessionsApi {
  const sessionsPath = (userId: string) => `/users/${encodeURIComponent(userId)}/sessions`;
  return {
    async login(credentials) {
      const session = (await http.post<SessionResponse>('/sessions', credentials)).data;
      storage.set(session.token, session.refreshToken);
      return session;
    },
    async refresh() {
      const refreshToken = storage.getRefreshToken();
      if (refreshToken === null)
        throw new ApiError(401, 'No refresh token is stored: log in.', undefined, 'refresh_token_invalid');
      let session: SessionResponse;
      try {
        session = (await http.post<SessionResponse>('/sessions/refresh', { refreshToken } satisfies RefreshRequest))
          .data;
      } catch (error) {
        // Only if nothing replaced the pair meanwhile (a login, another refresh).
        if (error instanceof ApiError && error.status === 401 && storage.getRefreshToken() === refreshToken)
          storage.clear();
        throw error;
      }
      storage.set(session.token, session.refreshToken);
      return session;
    },
    async current() {
      return (await http.get<DataEnvelope<PublicUser>>('/sessions')).data.data;
    },
    async logout(options = {}) {
      const scope = options.scope ?? 'local';
      let refused = false;
      try {
        await http.delete<MessageBody>('/sessions', { params: options.scope === undefined ? {} : { scope } });
      } catch (error) {
        if (!(error instanceof ApiError) || (error.status !== 401 && error.status !== 403)) throw error;
        refused = true;
      }
      if (scope !== 'others' || refused) storage.clear();
    },
    async list(userId) {
      return (await http.get<DataEnvelope<Session[]>>(sessionsPath(userId))).data.data;
    },
    async end(userId, sessionId) {
      const token = storage.get();
      await http.delete(`${sessionsPath(userId)}/${encodeURIComponent(sessionId)}`);
      if (token !== null && storage.get() === token && readTokenPayload(token).sid === sessionId) storage.clear();
    },
  };
}
