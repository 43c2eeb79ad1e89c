import { codeOfStatus, type ErrorCode, type FieldError } from '../client/types';

/**
 * Errors are values with a status, a stable code and a readable message, created here and turned
 * into `{ hasError: 1, error, code }` by the one error handler (`http/errorHandler.ts`).
 */

/** The message of anything thrown, for logs and start-up failures. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * An operational error that carries its own answer: the status, a stable code, a message meant for
 * the client and any response headers. The error handler reads them; it knows no error class but
 * this one.
 */
export class HttpError extends Error {
  /** The stable machine word of the answer (the status's generic code unless one is given). */
  readonly code: ErrorCode;
  /** The invalid fields, each with its message (a 422's `errors`). */
  readonly fields: readonly FieldError[];

  /**
   * @param status the HTTP status to answer with
   * @param message a readable message for the client
   * @param headers extra response headers (e.g. `Retry-After`; added for 429 and 503 when missing)
   * @param options the error's `cause`; its `code` when more precise than the status's; the invalid `fields` of a 422
   */
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
    options?: { cause?: unknown; code?: ErrorCode; fields?: readonly FieldError[] },
  ) {
    super(message, options);
    this.name = 'HttpError';
    this.code = options?.code ?? codeOfStatus(status);
    this.fields = options?.fields ?? [];
  }
}

/** The field a `<field>: <what is wrong>` message names, as a list of one (none for another message). */
export function fieldsNamedIn(message: string): FieldError[] {
  const named = /^([\w.[\]-]+): (.+)$/s.exec(message);
  return named ? [{ field: named[1]!, message: named[2]! }] : [];
}

/**
 * 422: the input is missing or invalid (`validation_failed`, or a more precise code such as
 * `email_taken`); `fields` lists every invalid field, by default the one a `<field>: …` message names.
 */
export const invalidInput = (
  message: string,
  code: ErrorCode = 'validation_failed',
  fields: readonly FieldError[] = fieldsNamedIn(message),
) => new HttpError(422, message, {}, { code, fields });
/** 401: no usable credentials were sent (`unauthenticated`), or they are wrong (`invalid_credentials`). */
export const unauthenticated = (message = 'Authentication is required.', code: ErrorCode = 'unauthenticated') =>
  new HttpError(401, message, {}, { code });
/** 403: the credentials were refused, or the user may not do this. */
export const forbidden = (message = 'You are not allowed to do this.', code: ErrorCode = 'forbidden') =>
  new HttpError(403, message, {}, { code });
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
