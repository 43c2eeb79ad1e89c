/** A load generator process for bench/e2e/run.ts: runs autocannon on request and answers its figures. */
import autocannon from 'autocannon';

export interface LoadArgs {
  url: string;
  connections: number;
  seconds: number;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
}

export interface LoadResult {
  requests: number;
  requestsPerSecond: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
}

process.on('message', (message: { id: number; args: LoadArgs }) => {
  const { url, connections, seconds, method = 'GET', headers, body } = message.args;
  autocannon({ url, connections, duration: seconds, method, headers, body }, (error, result) => {
    if (error) return void process.send!({ id: message.id, error: String(error) });
    const answer: LoadResult = {
      requests: result.requests.total,
      requestsPerSecond: result.requests.total / (result.duration || seconds),
      p99Ms: result.latency.p99,
      non2xx: result.non2xx,
      errors: result.errors + result.timeouts,
    };
    process.send!({ id: message.id, result: answer });
  });
});
process.send!({ ready: true });
