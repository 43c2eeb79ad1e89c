import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { DocumentedRouter } from '../../http/openapi';
import type { Metrics } from '../../http/metrics';

/** `GET /metrics` on the API's port (`metrics` = `on`): the Prometheus text exposition. */
export function createMetricsRouter(metrics: Metrics): DocumentedRouter {
  return new DocumentedRouter().get(
    '/',
    {
      docs: {
        summary: 'Prometheus metrics',
        description: 'Only with `metrics` = `on`; not for the public.',
        tag: 'health',
        responses: { 200: 'The metrics in the Prometheus text format.' },
      },
    },
    async (_input, _req, res) => {
      const { contentType, body } = await metrics.exposition();
      res.type(contentType).send(body);
    },
  );
}

/** A server of its own answering `GET /metrics` (`metrics` = a port), apart from the public API. */
export function createMetricsServer(metrics: Metrics): HttpServer {
  return createHttpServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found: GET /metrics\n');
      return;
    }
    metrics.exposition().then(
      ({ contentType, body }) => res.writeHead(200, { 'Content-Type': contentType }).end(body),
      () => res.writeHead(500, { 'Content-Type': 'text/plain' }).end('The metrics could not be collected.\n'),
    );
  });
}
