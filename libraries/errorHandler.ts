import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { ErrorBody } from '../client/types';
import { HttpError, messageOf, notFound } from './errors';
import { RevocationStoreError, TokenError } from './jwtManager';
import type { AppLogger } from './appLogger';
import { isServiceUnavailable } from './unavailable';

interface BodyParserError extends Error {
  status?: number;
  type?: string;
}

/** Maps an error thrown anywhere in a request to its status and client message. */
function describe(error: unknown): { status: number; message: string; headers: Record<string, string>; operational: boolean } {
  if (error instanceof HttpError) return { status: error.status, message: error.message, headers: error.headers, operational: true };
  // A refused token is a 403; a revocation store that cannot answer is a 503, never a pass.
  if (error instanceof TokenError) return { status: 403, message: error.message, headers: {}, operational: true };
  if (error instanceof RevocationStoreError) return { status: 503, message: error.message, headers: { 'Retry-After': '5' }, operational: true };
  const parserError = error as BodyParserError;
  if (parserError && typeof parserError.type === 'string' && typeof parserError.status === 'number') {
    // body-parser's errors carry a status and a type; their messages are safe but terse.
    const messages: Record<string, string> = {
      'entity.too.large': 'The request body is too large (at most 100 kB).',
      'entity.parse.failed': 'The request body is not valid JSON.',
      'encoding.unsupported': 'The request body has an unsupported encoding.',
      'charset.unsupported': 'The request body has an unsupported charset.',
      'parameters.too.many': 'The request body has too many parameters.',
    };
    return { status: parserError.status, message: messages[parserError.type] ?? 'The request body could not be read.', headers: {}, operational: true };
  }
  if (isServiceUnavailable(error)) {
    return { status: 503, message: 'A service this request depends on is unavailable; try again shortly.', headers: { 'Retry-After': '5' }, operational: true };
  }
  return { status: 500, message: 'An unexpected error occurred.', headers: {}, operational: false };
}

/** The one place where errors become `{ hasError: 1, error }` responses. */
export function createErrorHandler(logger: AppLogger): ErrorRequestHandler {
  return (error, req, res, next) => {
    if (res.headersSent) return next(error);
    const { status, message, headers, operational } = describe(error);
    if (!operational) logger.error(`${req.method} ${req.originalUrl} failed`, error);
    else if (status >= 500) logger.warn(`${req.method} ${req.originalUrl}: ${status} ${messageOf(error)}`);
    res.status(status).set(headers).json({ hasError: 1, error: message } satisfies ErrorBody);
  };
}

/** Answers 404 JSON for any route nobody handled. */
export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(notFound(`No route for ${req.method} ${req.path}.`));
};
