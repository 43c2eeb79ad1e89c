import { UpstreamError } from './provider';

/**
 * GETs a JSON document from a job board.
 * @throws UpstreamError on a network failure, a timeout, a non-2xx status or a body that is not JSON
 */
export async function fetchJson(url: URL, signal: AbortSignal): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, { signal, headers: { accept: 'application/json', 'user-agent': 'node-jobs' } });
  } catch (error) {
    const reason = signal.aborted ? 'timed out' : 'is unreachable';
    throw new UpstreamError(`The job board ${reason} (${url.host}).`, { cause: error });
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new UpstreamError(`The job board answered ${response.status} (${url.host}).`);
  }
  try {
    return await response.json();
  } catch (error) {
    throw new UpstreamError(`The job board sent a body that is not JSON (${url.host}).`, { cause: error });
  }
}
