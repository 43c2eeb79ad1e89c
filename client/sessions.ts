import type { AxiosInstance } from 'axios';
import { ApiError } from './errors';
import type { TokenStorage } from './storage';
import type { Credentials, DataEnvelope, LogoutQuery, MessageBody, PublicUser, SessionResponse } from './types';

/** The session over `/sessions`: the token is kept in the client's storage and sent on every request. */
export interface SessionsApi {
  /**
   * Logs in and stores the token, so the following requests are authenticated.
   * @throws ApiError 401 for a wrong email or password (alike); 422 when a field is missing; 429 when trying too often
   */
  login(credentials: Credentials): Promise<SessionResponse>;
  /**
   * The logged-in user.
   * @throws ApiError 401 without a token; 403 when it is expired or revoked
   */
  current(): Promise<PublicUser>;
  /**
   * Logs out. `scope: 'local'` (the default): the server revokes this token; `'others'`: every
   * other token of the user (other devices), this one keeps working; `'all'`: every token of the
   * user. With `local` and `all` the client forgets its token — also when the server already
   * refuses it (401/403); on other failures (e.g. 503) it is kept, so the caller can try again.
   * @throws ApiError 422 for an unknown scope
   */
  logout(options?: LogoutQuery): Promise<void>;
}

/** @internal use `client.sessions` */
export function createSessionsApi(http: AxiosInstance, storage: TokenStorage): SessionsApi {
  return {
    async login(credentials) {
      const session = (await http.post<SessionResponse>('/sessions', credentials)).data;
      storage.set(session.token);
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
  };
}
