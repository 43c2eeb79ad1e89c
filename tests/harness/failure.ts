import { ApiError, type NodeJobsClient } from '../../client';

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

/**
 * Sends one request to `client`'s server, with its stored token, and returns the HTTP status
 * exactly as the server sent it (201 stays 201; an SDK call only tells success from failure), or
 * -1 when no answer came.
 * @param body sent as JSON when given
 */
export async function statusOf(
  client: NodeJobsClient,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<number> {
  const token = client.storage.get();
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  try {
    const response = await fetch(new URL(path, client.baseURL), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    await response.body?.cancel();
    return response.status;
  } catch {
    return -1;
  }
}
