import type { RequestHandler, Response } from 'express';
import { z } from 'zod';
import { invalidInput } from '../libraries/errors';

type Part = 'query' | 'body' | 'params';

/** A required text field: a missing field and a wrong JSON type each get their own message. */
export const requiredText = () =>
  z.string({ error: (issue) => (issue.input === undefined ? 'is required.' : 'must be a text value.') });
export type RequestSchemas = Partial<Record<Part, z.ZodType>>;

/** Turns the first zod issue into a readable sentence naming the field. */
export function describeIssue(error: z.ZodError, part: Part): string {
  const issue = error.issues[0];
  if (!issue) return `The ${part} is invalid.`;
  const field = issue.path.length > 0 ? issue.path.join('.') : part;
  if (issue.code === 'unrecognized_keys')
    return `Unknown ${part === 'query' ? 'parameter' : 'field'}: ${issue.keys.join(', ')}.`;
  return `${field}: ${issue.message}`;
}

/**
 * Middleware validating the parts of a request against zod schemas; the parsed values are read
 * back with `valid()`. Invalid input is a 422 naming the field.
 */
export function validate(schemas: RequestSchemas): RequestHandler & { readonly requestSchemas: RequestSchemas } {
  const parts = Object.entries(schemas) as [Part, z.ZodType][];
  // A query string parses to the same value every time: the values of recent valid ones are kept
  // (frozen), so a repeated search costs neither the query parser nor the schema.
  const validQueries = new Map<string, unknown>();
  const middleware: RequestHandler = (req, res, next) => {
    const parsed: Partial<Record<Part, unknown>> = {};
    for (const [part, schema] of parts) {
      const raw = part === 'query' ? rawQuery(req.url) : undefined;
      if (raw !== undefined && validQueries.has(raw)) {
        parsed[part] = validQueries.get(raw);
        continue;
      }
      const result = schema.safeParse(req[part] ?? {});
      if (!result.success) return next(invalidInput(describeIssue(result.error, part)));
      parsed[part] = result.data;
      if (raw !== undefined) remember(validQueries, raw, Object.freeze(result.data));
    }
    res.locals.valid = parsed;
    next();
  };
  // The OpenAPI document reads the schemas from the route's middlewares, so the two cannot drift.
  return Object.assign(middleware, { requestSchemas: schemas });
}

/** How many valid query strings each `validate()` keeps the value of. */
const maxValidQueries = 256;

/** The query string of a URL (`''` without one). */
function rawQuery(url: string): string {
  const start = url.indexOf('?');
  return start < 0 ? '' : url.slice(start + 1);
}

/** Keeps `value` for `raw`, forgetting the oldest entry past `maxValidQueries`. */
function remember(values: Map<string, unknown>, raw: string, value: unknown): void {
  if (values.size >= maxValidQueries) values.delete(values.keys().next().value!);
  values.set(raw, value);
}

/**
 * Reads a part of the request as `validate()` parsed it.
 * @param schema the schema that validated it (gives the type)
 */
export function valid<S extends z.ZodType>(res: Response, part: Part, schema: S): z.output<S> {
  void schema;
  const values = res.locals.valid as Partial<Record<Part, unknown>> | undefined;
  if (!values || !(part in values)) throw new Error(`The request ${part} was not validated.`);
  return values[part] as z.output<S>;
}
