import type { AxiosInstance } from 'axios';
import type { AuthState } from './auth';
import type { TokenStorage } from './storage';
import { readTokenPayload } from './token';
import type {
  DataEnvelope,
  NewUser,
  PasswordChange,
  PublicUser,
  SessionResponse,
  UserChanges,
  UserListQuery,
  UserPage,
  UserProfile,
} from './types';

/** Users over `/users`. */
export interface UsersApi {
  /**
   * Registers a user (no token needed; it does not log in). A link to verify the email is mailed
   * to it; the user is `emailVerified: false` until it is opened (`emailVerifications.confirm`).
   * @throws ApiError 422 when a field is missing or invalid, or the email or username is taken; 429 when registering too often
   */
  create(user: NewUser): Promise<PublicUser>;
  /**
   * Lists users a page at a time; pass the returned `next` as `cursor` for the following page.
   * The caller (every user, for an admin) comes as a `PublicUser`, the others as a `UserProfile`
   * (no email, no admin flag): tell them apart with `isPublicUser`.
   * @throws ApiError 401/403 without a valid token; 422 for a `limit` outside 1..100 or a bad cursor
   */
  list(query?: UserListQuery): Promise<UserPage>;
  /**
   * Reads one user: the whole `PublicUser` for the caller itself and for admins, its
   * `UserProfile` (no email, no admin flag) for anyone else; tell them apart with `isPublicUser`.
   * @throws ApiError 404 when there is no such user; 401/403 without a valid token
   */
  get(id: string): Promise<PublicUser | UserProfile>;
  /**
   * Changes a user's email and/or username (the user themselves or an admin).
   * @throws ApiError 403 for someone else's account; 404; 422 when a value is invalid or taken
   */
  update(id: string, changes: UserChanges): Promise<PublicUser>;
  /**
   * Changes the logged-in user's own password and stores the fresh pair of tokens the server
   * returns (a new session); every other session of the user (other devices, other tabs) ends.
   * @throws ApiError 403 for someone else's account or a wrong `currentPassword`; 422 when `newPassword` is invalid; 429 when trying too often
   */
  changePassword(id: string, change: PasswordChange): Promise<SessionResponse>;
  /**
   * Deletes a user (the user themselves or an admin); when it is the logged-in user, the stored
   * token is cleared (the server refuses it from then on).
   * @throws ApiError 403 for someone else's account; 404 when there is no such user
   */
  remove(id: string): Promise<void>;
}

/** @internal use `client.users` */
export function createUsersApi(http: AxiosInstance, storage: TokenStorage, auth: AuthState): UsersApi {
  const userPath = (id: string) => `/users/${encodeURIComponent(id)}`;
  return {
    async create(user) {
      return (await http.post<DataEnvelope<PublicUser>>('/users', user)).data.data;
    },
    async list(query = {}) {
      const params: Record<string, string> = {};
      if (query.limit !== undefined) params.limit = String(query.limit);
      if (query.cursor !== undefined) params.cursor = query.cursor;
      return (await http.get<UserPage>('/users', { params })).data;
    },
    async get(id) {
      return (await http.get<DataEnvelope<PublicUser | UserProfile>>(userPath(id))).data.data;
    },
    async update(id, changes) {
      const user = (await http.put<DataEnvelope<PublicUser>>(userPath(id), changes)).data.data;
      if (isSignedIn(storage, id)) auth.update(user);
      return user;
    },
    async changePassword(id, change) {
      const session = await auth.endingSession(storage.get(), async () => {
        return (await http.put<SessionResponse>(`${userPath(id)}/password`, change)).data;
      });
      storage.set(session.token, session.refreshToken);
      auth.emit(session.data, 'tokenRefreshed');
      return session;
    },
    async remove(id) {
      const token = storage.get();
      await auth.endingSession(isSignedIn(storage, id) ? token : null, () => http.delete(userPath(id)));
      if (token !== null && storage.get() === token && readTokenPayload(token).sub === id) {
        storage.clear();
        auth.emit(null, 'signedOut');
      }
    },
  };
}

/** Whether `userId` is the user of the stored token. */
export function isSignedIn(storage: TokenStorage, userId: string): boolean {
  const token = storage.get();
  return token !== null && readTokenPayload(token).sub === userId;
}
