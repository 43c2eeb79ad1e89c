import type { RequestHandler, Response } from 'express';
import { z } from 'zod';
import type { FieldError } from '../client/types';
import { invalidInput } from '../libraries/errors';

/** The parts of a request a route can declare a schema for. */
export type RequestPart = 'params' | 'query' | 'body';

/** A route's input schemas, by part. */
export type RequestSchemas = Partial<Record<RequestPart, z.ZodType>>;

/** The values of the declared parts, as their schemas parse them; an undeclared part is absent. */
export type RequestInput<S extends RequestSchemas> = {
  -readonly [P in keyof S & RequestPart]-?: z.output<Exclude<S[P], undefined>>;
};

/** A required text field: a missing field and a wrong JSON type each get their own message. */
export const requiredText = () =>
  z.string({ error: (issue) => (issue.input === undefined ? 'is required.' : 'must be a text value.') });

/** Turns the first zod issue into a readable sentence naming the field. */
export function describeIssue(error: z.ZodError, part: RequestPart): string {
  const issue = error.issues[0];
  if (!issue) return `The ${part} is invalid.`;
  const field = issue.path.length > 0 ? issue.path.join('.') : part;
  if (issue.code === 'unrecognized_keys')
    return `Unknown ${part === 'query' ? 'parameter' : 'field'}: ${issue.keys.join(', ')}.`;
  return `${field}: ${issue.message}`;
}

/** Every issue of a failed parse as an invalid field: an unknown key is a field of its own. */
export function fieldErrors(error: z.ZodError, part: RequestPart): FieldError[] {
  const noun = part === 'query' ? 'parameter' : 'field';
  return error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ field: key, message: `is not a known ${noun}.` }))
      : [{ field: issue.path.length > 0 ? issue.path.join('.') : part, message: issue.message }],
  );
}

/**
 * Middleware validating parts of a request against zod schemas (a 422 listing every invalid field); the
 * parsed values join the request's input, which `inputOf()` reads. `DocumentedRouter` makes these
 * from a route's declaration: routes do not call it.
 */
export function validate(schemas: RequestSchemas): RequestHandler {
  const parts = Object.entries(schemas).filter(([, schema]) => schema !== undefined) as [RequestPart, z.ZodType][];
  // A query string parses to the same value every time: the values of recent valid ones are kept
  // (frozen), so a repeated search costs neither the query parser nor the schema.
  const validQueries = new Map<string, unknown>();
  return (req, res, next) => {
    const input = inputRecordOf(res);
    let message: string | undefined;
    const invalid: FieldError[] = [];
    for (const [part, schema] of parts) {
      const raw = part === 'query' ? rawQuery(req.url) : undefined;
      if (raw !== undefined && validQueries.has(raw)) {
        input[part] = validQueries.get(raw);
        continue;
      }
      const result = schema.safeParse(req[part] ?? {});
      if (!result.success) {
        message ??= describeIssue(result.error, part);
        invalid.push(...fieldErrors(result.error, part));
        continue;
      }
      input[part] = result.data;
      if (raw !== undefined) remember(validQueries, raw, Object.freeze(result.data));
    }
    next(message === undefined ? undefined : invalidInput(message, 'validation_failed', invalid));
  };
}

/** The parts `validate()` parsed so far for this request (empty before it ran). */
export function inputOf(res: Response): Readonly<Partial<Record<RequestPart, unknown>>> {
  return inputRecordOf(res);
}

function inputRecordOf(res: Response): Partial<Record<RequestPart, unknown>> {
  const locals = res.locals as { input?: Partial<Record<RequestPart, unknown>> };
  return (locals.input ??= {});
}

/** How many valid query strings each `validate()` keeps the value of. */
const maxValidQueries = 256;

/** The path of a URL, without its query string. */
export function pathOf(url: string): string {
  const start = url.indexOf('?');
  return start < 0 ? url : url.slice(0, start);
}

/** The query string of a URL (`''` without one). */
export function rawQuery(url: string): string {
  const start = url.indexOf('?');
  return start < 0 ? '' : url.slice(start + 1);
}

/** Keeps `value` for `raw`, forgetting the oldest entry past `maxValidQueries`. */
export function remember(values: Map<string, unknown>, raw: string, value: unknown): void {
  if (values.size >= maxValidQueries) values.delete(values.keys().next().value!);
  values.set(raw, value);
}
