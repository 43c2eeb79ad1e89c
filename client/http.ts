import axios, { type AxiosInstance, type InternalAxiosRequestConfig, isAxiosError } from 'axios';
import { ApiError, isErrorBody } from './errors';
import type { TokenStorage } from './storage';

/** Where the SDK's requests get a fresh access token (`SessionRefresher`). */
export interface TokenSource {
  /** The token to send now, renewed first when it is about to expire. */
  tokenToSend(): Promise<string | null>;
  /** A fresh token after the server said `token` expired, or null when none can be had. */
  renewAfterExpiry(token: string | null): Promise<string | null>;
}

/** A request the SDK authenticated itself, and whether it was already sent again after a renewal. */
type SdkRequest = InternalAxiosRequestConfig & { nodeJobsToken?: string | null; nodeJobsRetried?: boolean };

/**
 * Creates the axios instance every SDK call goes through: it sends the stored token and turns
 * every failure into an `ApiError`. With `tokens`, the token is renewed before it expires, and a
 * request refused with 403 `token_expired` is sent once more with a renewed token.
 * @param baseURL the server's URL
 * @param storage where the session token is kept
 * @param timeout request timeout in milliseconds (0 = none)
 * @param tokens where fresh tokens come from; the stored token as it is without
 */
export function createHttp(
  baseURL: string,
  storage: TokenStorage,
  timeout: number,
  tokens?: TokenSource,
): AxiosInstance {
  const http = axios.create({ baseURL, timeout });
  http.interceptors.request.use(async (request: SdkRequest) => {
    if (request.headers.has('Authorization')) return request;
    const token = tokens ? await tokens.tokenToSend() : storage.get();
    request.nodeJobsToken = token;
    if (token) request.headers.set('Authorization', `Bearer ${token}`);
    return request;
  });
  http.interceptors.response.use(
    (response) => {
      resolveUserImages(response.data, baseURL);
      return response;
    },
    async (error: unknown) => {
      const failure = toApiError(error);
      const request = isAxiosError(error) ? (error.config as SdkRequest | undefined) : undefined;
      // Only a request the SDK authenticated itself, once: an explicit Authorization header is the caller's.
      if (
        !tokens ||
        failure.code !== 'token_expired' ||
        request?.nodeJobsToken === undefined ||
        request.nodeJobsRetried
      )
        throw failure;
      const fresh = await tokens.renewAfterExpiry(request.nodeJobsToken);
      if (fresh === null) throw failure;
      request.nodeJobsRetried = true;
      request.headers.set('Authorization', `Bearer ${fresh}`);
      return http.request(request);
    },
  );
  return http;
}

/**
 * Makes a URL the API sent root-relative (`/users/<id>/image`, when the server does not know its
 * public address) absolute, the way axios addresses the SDK's own requests: `baseURL` + path.
 * Absolute URLs, and every URL when `baseURL` is empty, are returned as they are.
 * @param baseURL the server's URL, e.g. `https://example.com/api`
 */
export function absoluteUrl(baseURL: string, url: string): string {
  if (!url.startsWith('/') || url.startsWith('//') || !baseURL) return url;
  return `${baseURL.replace(/\/+$/, '')}${url}`;
}

/** Whether a value has a user's `id` and `image`. */
const isUserWithImage = (value: unknown): value is { id: string; image: string } =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as { id?: unknown }).id === 'string' &&
  typeof (value as { image?: unknown }).image === 'string';

/** Resolves the `image` of the users in a `{ data: PublicUser | PublicUser[] }` answer, in place. */
function resolveUserImages(body: unknown, baseURL: string): void {
  if (typeof body !== 'object' || body === null || !('data' in body)) return;
  const { data } = body;
  for (const user of Array.isArray(data) ? data : [data])
    if (isUserWithImage(user)) user.image = absoluteUrl(baseURL, user.image);
}

/** The text of an answer that is not the API's error body (undefined when empty). */
function answerText(body: unknown): string | undefined {
  if (body === undefined || body === null || body === '') return undefined;
  return typeof body === 'string' ? body : JSON.stringify(body);
}

/** Turns whatever axios threw into an `ApiError` with the server's status and message. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (isAxiosError(error)) {
    const response = error.response;
    if (response) {
      const body: unknown = response.data;
      if (isErrorBody(body)) return new ApiError(response.status, body.error, body);
      return new ApiError(response.status, `Request failed with status ${response.status}.`, answerText(body));
    }
    return error.code === 'ECONNABORTED'
      ? new ApiError(0, 'The request timed out.', undefined, 'timeout')
      : new ApiError(0, `The server could not be reached (${error.message}).`);
  }
  return new ApiError(0, error instanceof Error ? error.message : String(error));
}
