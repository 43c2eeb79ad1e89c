import { STATUS_CODES } from 'node:http';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { codeOfStatus, type ErrorBody, type ErrorCode, type FieldError } from '../client/types';
import { HttpError, messageOf, notFound } from '../libraries/errors';
import type { AppLogger } from '../libraries/appLogger';
import { RecurringFault } from '../libraries/recurringFault';
import { isServiceUnavailable } from './unavailable';

/** What any thrown value may carry about its answer: our `HttpError`s, body-parser's and the router's errors. */
interface StatusCarrier {
  status?: unknown;
  statusCode?: unknown;
  type?: unknown;
  headers?: unknown;
}

/** How an error answers a request. */
export interface ErrorAnswer {
  status: number;
  /** The stable machine word of the answer. */
  code: ErrorCode;
  /** Safe to show to the client. */
  message: string;
  headers: Record<string, string>;
  /** False for programmer errors (500): their details go to the log only. */
  operational: boolean;
  /** The invalid fields of a 422 (its `errors`). */
  fields?: readonly FieldError[];
}

/** body-parser's errors carry a status and a type; their messages are safe but terse. */
const bodyParserMessages: Record<string, string> = {
  'entity.too.large': 'The request body is too large (at most 100 kB).',
  'entity.parse.failed': 'The request body is not valid JSON.',
  'entity.verify.failed': 'The request body could not be read.',
  'request.aborted': 'The request body could not be read.',
  'request.size.invalid': 'The request body could not be read.',
  'stream.encoding.set': 'The request body could not be read.',
  'encoding.unsupported': 'The request body has an unsupported encoding.',
  'charset.unsupported': 'The request body has an unsupported charset.',
  'parameters.too.many': 'The request body has too many parameters.',
};

/** Statuses a client is told to retry after a pause; they always carry `Retry-After`. */
const retryAfterDefaultS: Record<number, string> = { 429: '5', 503: '5' };

/** The 4xx/5xx status an error carries (`status` or `statusCode`), if any. */
function carriedStatus(error: StatusCarrier): number | undefined {
  const status = typeof error.status === 'number' ? error.status : error.statusCode;
  return typeof status === 'number' && Number.isInteger(status) && status >= 400 && status <= 599 ? status : undefined;
}

function carriedHeaders(error: StatusCarrier): Record<string, string> {
  if (typeof error.headers !== 'object' || error.headers === null) return {};
  return Object.fromEntries(
    Object.entries(error.headers).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
}

/** A message for a status whose error says nothing safe to show. */
const genericMessage = (status: number) => `${STATUS_CODES[status] ?? 'The request failed'}.`;

/**
 * Maps anything thrown while serving a request (or a socket handshake) to its status, headers and
 * a message safe for the client, from what the error carries: `HttpError`s (and their subclasses,
 * such as the token manager's) show their own message; other errors carrying a 4xx/5xx status
 * (body-parser's, the router's) get a readable or generic message; an unreachable backing service
 * is a 503; anything else is a 500 whose details stay in the log.
 */
export function describeError(error: unknown): ErrorAnswer {
  const answer = knownAnswer(error);
  const retryAfter = retryAfterDefaultS[answer.status];
  if (retryAfter !== undefined && !Object.keys(answer.headers).some((name) => name.toLowerCase() === 'retry-after')) {
    answer.headers = { ...answer.headers, 'Retry-After': retryAfter };
  }
  return answer;
}

function knownAnswer(error: unknown): ErrorAnswer {
  if (error instanceof HttpError)
    return {
      status: error.status,
      code: error.code,
      message: error.message,
      headers: { ...error.headers },
      operational: true,
      fields: error.fields,
    };
  const carrier = (typeof error === 'object' && error !== null ? error : {}) as StatusCarrier;
  const status = carriedStatus(carrier);
  // A carried 500 is a programmer error like any other: generic answer, details in the log.
  if (status !== undefined && status !== 500) {
    const typed = typeof carrier.type === 'string' ? bodyParserMessages[carrier.type] : undefined;
    return {
      status,
      code: codeOfStatus(status),
      message: typed ?? genericMessage(status),
      headers: carriedHeaders(carrier),
      operational: true,
    };
  }
  if (isServiceUnavailable(error)) {
    return {
      status: 503,
      code: 'service_unavailable',
      message: 'A service this request depends on is unavailable; try again shortly.',
      headers: {},
      operational: true,
    };
  }
  return {
    status: 500,
    code: 'internal_error',
    message: 'An unexpected error occurred.',
    headers: {},
    operational: false,
  };
}

/** The body of an error answer; a 422 lists its invalid fields (`errors`), none known or many. */
export function errorBody(
  status: number,
  code: ErrorCode,
  message: string,
  fields: readonly FieldError[] = [],
): ErrorBody {
  const body: ErrorBody = { hasError: 1, error: message, code };
  if (status === 422) body.errors = [...fields];
  return body;
}

/** Distinct kinds of server-side failure reported apart; any further kind joins the last. */
const maxFailureKinds = 32;

/**
 * Reports the operational 5xx answers (a service down: 503; the job board down: 502) by kind —
 * their status and reason — each as a recurring fault: one warning when it starts, at most one line
 * a minute with a count while it lasts, one when it is over. An outage is a few lines, not one per
 * request.
 */
function serverFailureLog(logger: AppLogger): (status: number, reason: string, request: string) => void {
  const kinds = new Map<string, RecurringFault>();
  return (status, reason, request) => {
    let key = `${status} (${reason})`;
    if (!kinds.has(key) && kinds.size >= maxFailureKinds) key = `${status} (other reasons)`;
    let fault = kinds.get(key);
    if (!fault) {
      fault = new RecurringFault({ subject: `Requests answer ${key}`, logger });
      kinds.set(key, fault);
    }
    fault.occurred(request);
  };
}

/**
 * The one place where errors become `{ hasError: 1, error, code }` responses. Programmer errors
 * (500) are logged each with their stack; operational 5xx answers as recurring faults, by kind.
 */
export function createErrorHandler(logger: AppLogger): ErrorRequestHandler {
  const serverFailure = serverFailureLog(logger);
  return (error, req, res, next) => {
    if (res.headersSent) return next(error);
    const { status, code, message, headers, operational, fields } = describeError(error);
    // The path without its query (which may carry what a user typed), and the id the client was answered with.
    const requestId = (res.locals as { requestId?: string } | undefined)?.requestId ?? 'without id';
    if (!operational) logger.error(`${req.method} ${req.path} (request ${requestId}) failed`, error);
    else if (status >= 500) serverFailure(status, messageOf(error), `${req.method} ${req.path}`);
    res
      .status(status)
      .set(headers)
      .json(errorBody(status, code, message, fields));
  };
}

/** Answers 404 JSON for any route nobody handled. */
export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(notFound(`No route for ${req.method} ${req.path}.`));
};
