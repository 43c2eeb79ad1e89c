/** A load generator process for bench/e2e/run.ts: runs autocannon on request and answers its figures. */
import autocannon from 'autocannon';

export interface LoadArgs {
  url: string;
  connections: number;
  seconds: number;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** Send this many requests instead of loading for `seconds`. */
  amount?: number;
  /** Each request a search never made before: `?location=<prefix><n>` (distinct cold searches). */
  distinctLocations?: string;
}

export interface LoadResult {
  /** Requests answered 2xx: a refused or failed request costs the server time and counts for nothing. */
  requests: number;
  requestsPerSecond: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
  /** Responses by status code. */
  statuses: Record<string, number>;
}

process.on('message', (message: { id: number; args: LoadArgs }) => {
  const { url, connections, seconds, method = 'GET', headers, body, amount, distinctLocations } = message.args;
  let next = 0;
  const requests =
    distinctLocations === undefined
      ? undefined
      : [
          {
            setupRequest: (request: autocannon.Request) => ({
              ...request,
              path: `/?location=${distinctLocations}${next++}`,
            }),
          },
        ];
  const options = {
    url,
    connections,
    method,
    headers,
    body,
    requests,
    ...(amount ? { amount } : { duration: seconds }),
  };
  autocannon(options, (error, result) => {
    if (error) return void process.send!({ id: message.id, error: String(error) });
    const answer: LoadResult = {
      requests: result['2xx'],
      requestsPerSecond: result['2xx'] / (result.duration || seconds),
      p99Ms: result.latency.p99,
      non2xx: result.non2xx,
      errors: result.errors + result.timeouts,
      statuses: Object.fromEntries(
        Object.entries(result.statusCodeStats as Record<string, { count: number }>).map(([code, { count }]) => [
          code,
          count,
        ]),
      ),
    };
    process.send!({ id: message.id, result: answer });
  });
});
process.send!({ ready: true });
