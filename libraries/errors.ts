/**
 * Errors are values with a status and a readable message, created here and turned into
 * `{ hasError: 1, error }` by the one error handler (`libraries/errorHandler.ts`).
 */

/** The message of anything thrown, for logs and start-up failures. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** An operational error: its message is meant for the client. */
export class HttpError extends Error {
  /**
   * @param status the HTTP status to answer with
   * @param message a readable message for the client
   * @param headers extra response headers (e.g. `Retry-After`)
   */
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** 422: the input is missing or invalid. */
export const invalidInput = (message: string) => new HttpError(422, message);
/** 401: no usable credentials were sent. */
export const unauthenticated = (message = 'Authentication is required.') => new HttpError(401, message);
/** 403: the credentials were refused, or the user may not do this. */
export const forbidden = (message = 'You are not allowed to do this.') => new HttpError(403, message);
/** 404: no such resource. */
export const notFound = (message = 'Not found.') => new HttpError(404, message);
/** 502: an upstream service answered badly or not at all. */
export const badGateway = (message: string) => new HttpError(502, message);
/** 503: a service this request depends on is unavailable. */
export const serviceUnavailable = (message: string) => new HttpError(503, message);
/** 429: too many requests; `retryAfterS` goes into `Retry-After`. */
export const tooManyRequests = (retryAfterS: number) =>
  new HttpError(429, `Too many requests; try again in ${retryAfterS} s.`, { 'Retry-After': String(retryAfterS) });
