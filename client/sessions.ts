import type { AxiosInstance } from 'axios';
import { ApiError } from './errors';
import type { TokenStorage } from './storage';
import type { Credentials, DataEnvelope, MessageBody, PublicUser, SessionResponse } from './types';

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
   * Logs out: the server revokes the token and the client forgets it. A token the server already
   * refuses (401/403) is forgotten too; on other failures (e.g. 503) it is kept, so the caller
   * can try again.
   */
  logout(): Promise<void>;
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
    async logout() {
      try {
        await http.delete<MessageBody>('/sessions');
      } catch (error) {
        if (!(error instanceof ApiError) || (error.status !== 401 && error.status !== 403)) throw error;
      }
      storage.clear();
    },
  };
}
