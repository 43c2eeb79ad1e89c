import type { ErrorBody } from './types';

/** An error the API answered with (`status` > 0), or a request that got no answer (`status` 0). */
export class ApiError extends Error {
  /**
   * @param status HTTP status, or 0 when the server could not be reached
   * @param message the server's `error` message, or a description of the transport failure
   * @param body the parsed response body, when there was one
   */
  constructor(
    readonly status: number,
    message: string,
    readonly body?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Tells whether a response body is the API's `{ hasError: 1, error }`. */
export function isErrorBody(body: unknown): body is ErrorBody {
  return (
    typeof body === 'object' &&
    body !== null &&
    (body as ErrorBody).hasError === 1 &&
    typeof (body as ErrorBody).error === 'string'
  );
}

/** Why a real-time operation failed. */
export type SocketErrorCode = 'connect_error' | 'forbidden' | 'timeout' | 'disconnected' | 'rate_limited';

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
