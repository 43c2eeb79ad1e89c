import { ApiError } from '../../client';

/**
 * The ApiError a call rejects with.
 * @throws Error when the call resolves or rejects with anything else
 */
export async function failure(call: Promise<unknown>): Promise<ApiError> {
  const error = await call.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!(error instanceof ApiError)) throw new Error(`Expected an ApiError, got ${String(error)}`);
  return error;
}

/** The HTTP status a call ends with: 200 when it resolves, the ApiError's status, or -1 for any other error. */
export const statusOf = (call: Promise<unknown>): Promise<number> =>
  call.then(
    () => 200,
    (error: unknown) => (error instanceof ApiError ? error.status : -1),
  );
