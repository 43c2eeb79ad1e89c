import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { RequestHandler, Response } from 'express';

/** The header that carries a request's id, in and out. */
export const requestIdHeader = 'X-Request-Id';

/** An id from outside is kept when it is 1–128 of these characters: nothing a log line or a header could be misread by. */
const safeRequestId = /^[\w.:+=/-]{1,128}$/;

/** The id of a request: the incoming `X-Request-Id` when it is a safe token, otherwise a fresh uuid. */
export function requestIdFor(headers: IncomingHttpHeaders): string {
  const incoming = headers['x-request-id'];
  return typeof incoming === 'string' && safeRequestId.test(incoming) ? incoming : randomUUID();
}

/** Gives every request its id and puts it on the answer (`X-Request-Id`), errors included. */
export const assignRequestId: RequestHandler = (req, res, next) => {
  const id = requestIdFor(req.headers);
  res.locals.requestId = id;
  res.setHeader(requestIdHeader, id);
  next();
};

/** The id `assignRequestId` gave the request. */
export const requestIdOf = (res: Response): string => res.locals.requestId as string;
