import { codeOfStatus, type ErrorBody, type ErrorCode, type FieldError } from './types';

/**
 * What went wrong, as a machine word: the server's `code`, or one of the SDK's own when there was
 * no answer from the API (`network_error`, `timeout`) or the image storage refused an upload
 * (`upload_refused`).
 */
export type ApiErrorCode = ErrorCode | 'network_error' | 'timeout' | 'upload_refused';

/** An error the API answered with (`status` > 0), or a request that got no answer (`status` 0). */
export class ApiError extends Error {
  /** The stable machine word to act on (see `errorCodes`). */
  readonly code: ApiErrorCode;
  /** On a 422: every invalid field with its message, to show beside each input; empty otherwise. */
  readonly fields: readonly FieldError[];

  /**
   * @param status HTTP status, or 0 when the server could not be reached
   * @param message the server's `error` message, or a description of the transport failure
   * @param body the API's error body when it sent one, or the text of any other answer (a proxy's page, the storage's XML)
   * @param code the code, when the body does not carry it (the body's `code` by default)
   */
  constructor(
    readonly status: number,
    message: string,
    readonly body?: ErrorBody | string,
    code?: ApiErrorCode,
  ) {
    super(message);
    this.name = 'ApiError';
    const bodyCode = typeof body === 'object' && typeof body.code === 'string' ? body.code : undefined;
    this.code = code ?? bodyCode ?? (status === 0 ? 'network_error' : codeOfStatus(status));
    this.fields = typeof body === 'object' && Array.isArray(body.errors) ? body.errors : [];
  }
}

/** Tells whether a response body is the API's `{ hasError: 1, error, code }` (`code` may lack from older servers). */
export function isErrorBody(body: unknown): body is ErrorBody {
  return (
    typeof body === 'object' &&
    body !== null &&
    (body as ErrorBody).hasError === 1 &&
    typeof (body as ErrorBody).error === 'string'
  );
}

/** Why a real-time operation failed. */
export type SocketErrorCode =
  'connect_error' | 'forbidden' | 'timeout' | 'disconnected' | 'rate_limited' | 'unavailable';

/** A real-time failure: the server refused the connection or a request, or did not answer in time. */
export class SocketError extends Error {
  /**
   * @param code what went wrong
   * @param message the server's message, or a description
   */
  constructor(
    readonly code: SocketErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SocketError';
  }
}
