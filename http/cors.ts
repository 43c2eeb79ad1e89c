import cors, { type CorsOptions } from 'cors';
import type { RequestHandler } from 'express';

/**
 * CORS for the API: the `cors` package, with the answer to an ordinary request from any origin
 * (`*`) set as two fixed headers, since it never depends on the request; preflights and a list of
 * origins still go through `cors`.
 */
export function corsMiddleware(options: CorsOptions): RequestHandler {
  const full = cors(options);
  if (options.origin !== '*') return full;
  const exposed = ([] as string[]).concat(options.exposedHeaders ?? []).join(',');
  return (req, res, next) => {
    if (req.method === 'OPTIONS') return full(req, res, next);
    res.setHeader('Access-Control-Allow-Origin', '*');
    if (exposed) res.setHeader('Access-Control-Expose-Headers', exposed);
    next();
  };
}
