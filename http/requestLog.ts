import type { RequestHandler } from 'express';
import type { RequestLog } from '../libraries/fileLogger';
import { requestIdOf } from './requestId';

/** Records every request in `log` once its answer is sent (or its connection closed), with its id and duration. */
export function logRequests(log: RequestLog): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    // 'close' comes once: `on` spares the wrapper `once` makes and removes per request.
    res.on('close', () => {
      log.write({
        method: req.method,
        url: req.originalUrl,
        status: res.statusCode,
        aborted: !res.writableFinished,
        ms: performance.now() - started,
        requestId: requestIdOf(res),
      });
    });
    next();
  };
}
