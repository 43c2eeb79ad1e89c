import type { RequestHandler } from 'express';

/**
 * Runs middlewares one after the other as one: what every request passes through costs a call
 * each, not a trip through the router (a layer match and its bookkeeping) each.
 */
export function chain(...handlers: RequestHandler[]): RequestHandler {
  return (req, res, next) => {
    let index = 0;
    const step = (error?: unknown): void => {
      // Express's own conventions: an error skips to the error handlers, 'route'/'router' leave the chain.
      if (error !== undefined && error !== null) return void next(error);
      const handler = handlers[index++];
      if (!handler) return void next();
      try {
        void handler(req, res, step);
      } catch (thrown) {
        next(thrown);
      }
    };
    step();
  };
}
