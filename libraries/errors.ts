/**
 * Errors are values with a status and a readable message, created here and turned into
 * `{ hasError: 1, error }` by the one error handler (`http/errorHandler.ts`).
 */

/** The message of anything thrown, for logs and start-up failures. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * An operational error that carries its own answer: the status, a message meant for the client and
 * any response headers. The error handler reads them; it knows no error class but this one.
 */
export class HttpError extends Error {
  /**
   * @param status the HTTP status to answer with
   * @param message a readable message for the client
   * @param headers extra response headers (e.g. `Retry-After`; added for 429 and 503 when missing)
   * @param options the error's `cause`
   */
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
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
/** 503: a service this request depends on is unavailable; clients may retry after `Retry-After`. */
export const serviceUnavailable = (message: string, retryAfterS = 5) =>
  new HttpError(503, message, { 'Retry-After': String(retryAfterS) });
/** 429: too many requests; `retryAfterS` goes into `Retry-After`. */
export const tooManyRequests = (retryAfterS: number) =>
  new HttpError(429, `Too many requests; try again in ${retryAfterS} s.`, { 'Retry-After': String(retryAfterS) });
