import { IncomingMessage, ServerResponse, type RequestListener } from 'node:http';
import type { ErrorRequestHandler, Express, Request, RequestHandler, Response } from 'express';
import { chain } from './chain';
import { pathOf } from './validate';

/**
 * An answer a component gives from memory, before any routing: it answers and returns true, or
 * returns false (without touching the response) to let the router decide. It never waits and
 * never throws: anything uncertain (a stale cache, a query it has not seen validated) goes to the
 * router, which has the whole route.
 */
export type MemoryAnswer = (req: Request, res: Response) => boolean;

/** Whether a request reads `path` (a GET or HEAD of it, any query string): what a memory answer may take. */
export function readsPath(req: Request, path: string): boolean {
  return (req.method === 'GET' || req.method === 'HEAD') && pathOf(req.url) === path;
}

export interface FrontDoorOptions {
  /** The app that routes whatever no memory answer took. */
  app: Express;
  /** What every request passes through first (request id, request log, security headers, CORS, …). */
  steps: RequestHandler[];
  /** Tried in order once the steps ran. */
  answers: MemoryAnswer[];
  /** The app's error handler, for an error of a step. */
  onError: ErrorRequestHandler;
}

/**
 * The HTTP server's request listener: it makes the request and response Express's, as
 * `app.handle` does, runs the steps every request passes through, then lets a memory answer
 * (a cached search, a fresh health report) answer at once, and hands anything else to the app's
 * router. A hot answer thus costs the steps and the bytes, not a walk through the routers
 * (measured in BENCHMARKS.md).
 */
export function frontDoor({ app, steps, answers, onError }: FrontDoorOptions): RequestListener {
  const prepare = chain(...steps);
  // What Express's final handler does with an error the error handler passes on (an answer already begun).
  const giveUp = (res: ServerResponse) => (error?: unknown) => {
    if (error !== undefined && error !== null) res.destroy(error instanceof Error ? error : undefined);
  };
  return (incoming, outgoing) => {
    const { req, res } = asExpress(app, incoming, outgoing);
    prepare(req, res, (error?: unknown) => {
      if (error !== undefined && error !== null) return void onError(error, req, res, giveUp(res));
      for (const answer of answers) if (answer(req, res)) return;
      app(req, res);
    });
  };
}

/**
 * The classes the HTTP server makes its requests and responses with (`http.createServer`'s
 * `IncomingMessage` and `ServerResponse` options), whose prototypes are `app`'s: each request is
 * Express's from its start, and the prototype swap of `app.handle` (and of `frontDoor`) finds
 * nothing to change. Swapping it per request was the front door's largest cost in a profile.
 */
export function expressMessages(app: Express): {
  IncomingMessage: typeof IncomingMessage;
  ServerResponse: typeof ServerResponse;
} {
  class AppRequest extends IncomingMessage {}
  class AppResponse extends ServerResponse {}
  Object.setPrototypeOf(AppRequest.prototype, app.request);
  Object.setPrototypeOf(AppResponse.prototype, app.response);
  app.request = AppRequest.prototype as unknown as Request;
  app.response = AppResponse.prototype as unknown as Response;
  return { IncomingMessage: AppRequest, ServerResponse: AppResponse as typeof ServerResponse };
}

/**
 * What `app.handle` does first (express/lib/application.js: circular references, Express's
 * prototypes — already theirs with `expressMessages` —, `res.locals`) and its router's
 * `originalUrl`, so that the steps and the memory answers see what a route sees.
 */
function asExpress(app: Express, req: IncomingMessage, res: ServerResponse): { req: Request; res: Response } {
  const request = req as Request;
  const response = res as Response;
  request.res = response;
  response.req = request;
  Object.setPrototypeOf(req, app.request);
  Object.setPrototypeOf(res, app.response);
  response.locals ??= Object.create(null) as Response['locals'];
  request.originalUrl ??= request.url;
  return { req: request, res: response };
}
