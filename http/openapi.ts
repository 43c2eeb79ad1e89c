import { Router, type Application, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import { errorCodes, type ErrorCode } from '../client/types';
import { inputOf, validate, type RequestInput, type RequestSchemas } from './validate';

/** One documented response of a route. */
export interface ResponseDocs {
  description: string;
  /** Body schema; the error body for 4xx/5xx when omitted. */
  schema?: z.ZodType;
  /** Response headers, by name, with their description. */
  headers?: Record<string, string>;
}

/** The groups of the documentation, in the order the docs page shows them. */
export const docsTags = ['jobs', 'users', 'sessions', 'health', 'docs'] as const;

/** What a route says about itself in the documentation (its input and authentication come from its declaration). */
export interface RouteDocs {
  summary: string;
  description?: string;
  tag: (typeof docsTags)[number];
  /**
   * What the route answers, by status. Statuses every route shares (400, 413, 503; 401 and 403 when
   * authenticated; 415 with a body; 422 when validated; 429 when rate-limited) are added by the
   * generator with a generic description: list one here only to say more.
   */
  responses: Record<number, ResponseDocs | string>;
}

/** Responses a middleware adds to the documentation of every route it runs on (e.g. the rate limiter's 429). */
export type DocumentedResponses = Record<number, ResponseDocs | string>;

/** Marks a middleware with the responses it can answer, so every route using it documents them. */
export function withResponses<H extends object>(
  handler: H,
  responses: DocumentedResponses,
): H & { readonly documentedResponses: DocumentedResponses } {
  return Object.assign(handler, { documentedResponses: responses });
}

/** Statuses any route can answer, whatever it does (the parsers and the error handler's). */
const everyRouteResponses: DocumentedResponses = {
  400: 'A request that cannot be read: a body that is not valid JSON or does not inflate, or a path that is not valid percent-encoding.',
  413: 'A body over 100 kB.',
  503: 'A service this request depends on is unavailable; try again after `Retry-After` seconds.',
};

/** Statuses of every route that requires a token. */
const authenticatedResponses: DocumentedResponses = {
  401: 'No token, or not `Authorization: Bearer <token>`.',
  403: 'A bad, expired or revoked token.',
};

/** Statuses of every route that reads a body. */
const bodyResponses: DocumentedResponses = { 415: 'A body in an encoding or charset the server does not read.' };

/** Statuses of every route that validates its input. */
const validatedResponses: DocumentedResponses = { 422: 'A missing or invalid value, or an unknown one.' };

/** Statuses that always carry `Retry-After` (see the error handler). */
const retryAfterStatuses = new Set(['429', '503']);

type Method = 'get' | 'post' | 'put' | 'delete' | 'patch';

/** Schemas of path parameters, by name (`{ id: userIdSchema }`). */
export type PathParameterSchemas = Record<string, z.ZodType>;

/** The names of the parameters of an Express path: `/:id/image` → `'id'`. */
export type PathParameterNames<Path extends string> = Path extends `${string}:${infer Rest}`
  ? Rest extends `${infer Name}/${infer Tail}`
    ? Name | PathParameterNames<`/${Tail}`>
    : Rest
  : never;

/**
 * What a route's handler gets: each declared part as its schema parses it, and `params` typed by
 * the router's path parameter schemas when the route declares none of its own.
 */
export type RouteInput<
  Path extends string,
  P extends PathParameterSchemas,
  S extends RequestSchemas,
> = RequestInput<S> &
  ('params' extends keyof S
    ? unknown
    : [PathParameterNames<Path>] extends [never]
      ? unknown
      : { params: { [N in PathParameterNames<Path>]: N extends keyof P ? z.output<P[N]> : unknown } });

/** The last step of a route: it gets the route's input, typed by the route's schemas. */
export type RouteHandler<I> = (input: I, req: Request, res: Response) => unknown;

/** Brands the middlewares made by `withInput`. */
export const takesInput = Symbol('takesInput');

/** A middleware that reads the route's input: it runs after the validation (see `DocumentedRouter`). */
export type InputMiddleware<I> = ((input: I, req: Request, res: Response, next: NextFunction) => unknown) & {
  readonly [takesInput]: true;
};

/**
 * Makes a middleware that gets the route's validated input, typed like the handler's: a route
 * whose schemas do not give it the input it needs does not compile.
 */
export function withInput<I>(
  middleware: (input: I, req: Request, res: Response, next: NextFunction) => unknown,
): InputMiddleware<I> {
  return Object.assign(middleware, { [takesInput]: true as const });
}

const isInputMiddleware = (step: unknown): step is InputMiddleware<unknown> =>
  typeof step === 'function' && takesInput in step;

/** The steps of a route after its declaration: middlewares, then the handler. */
type RouteSteps<I> = [...(RequestHandler | InputMiddleware<I>)[], RouteHandler<I>];

/** A route's declaration: its documentation, whether it needs a token, and the schemas of its input. */
export interface RouteDeclaration<S extends RequestSchemas> {
  docs: RouteDocs;
  /** Requires a token: the router's `authenticate` runs first, and the documentation adds 401 and 403. */
  auth?: boolean;
  /**
   * The input, by part: validated (a 422 naming the field), documented, and handed to the handler
   * parsed and typed. `params` defaults to the router's path parameter schemas.
   */
  schemas?: S;
}

/** A route as it is registered: method, path, its documentation, its input and its middlewares. */
export interface DocumentedRoute {
  method: Method;
  /** Express path, e.g. `/users/:id` (relative to the router until it is mounted). */
  path: string;
  docs: RouteDocs;
  auth: boolean;
  /** The schemas the route validates, `params` included. */
  schemas: RequestSchemas;
  /** Its middlewares (their `documentedResponses` join its documentation). */
  middlewares: readonly object[];
}

/**
 * Records the matched route's pattern (`/users/:id`) for what runs after the route: the error
 * handler and the metrics see the request once Express has left the router.
 */
const recordRoutePattern: RequestHandler = (req, res, next) => {
  const route = (req.route as { path: string }).path;
  res.locals.routePattern = req.baseUrl + (route === '/' && req.baseUrl ? '' : route) || '/';
  next();
};

/** Records that the documented route `pattern` answered a request the router never saw (a memory answer of `frontDoor`). */
export function answeredAs(res: Response, pattern: string): void {
  res.locals.routePattern = pattern;
}

/** The route pattern a request matched (`/users/:id`), undefined when it matched no documented route. */
export function routePatternOf(res: Response): string | undefined {
  return res.locals.routePattern as string | undefined;
}

export interface DocumentedRouterOptions<P extends PathParameterSchemas> {
  /** Schemas of this router's path parameters, by name: every route with `:id` validates it with `id`'s. */
  pathParameters?: P;
  /** The authentication middleware, run first on routes declared with `auth`. */
  authenticate?: RequestHandler;
}

/**
 * A router whose routes are declared once — documentation, authentication, input schemas — and
 * validated, documented and typed from that declaration (Fastify's route schemas and type
 * providers). A route runs, in order: authentication (`auth`), the path parameters' validation,
 * its middlewares (rate limits, permission checks), the query's and body's validation, its
 * `withInput` middlewares, its handler. No route escapes the OpenAPI document.
 */
export class DocumentedRouter<P extends PathParameterSchemas = Record<never, never>> {
  /** The Express router to mount (through `OpenApiRegistry.mount`). */
  readonly router: Router = Router();
  readonly routes: DocumentedRoute[] = [];

  constructor(private readonly options: DocumentedRouterOptions<P> = {}) {}

  get<Path extends string, S extends RequestSchemas = Record<never, never>>(
    path: Path,
    declaration: RouteDeclaration<S>,
    ...steps: RouteSteps<NoInfer<RouteInput<Path, P, S>>>
  ): this {
    return this.add('get', path, declaration, steps);
  }

  post<Path extends string, S extends RequestSchemas = Record<never, never>>(
    path: Path,
    declaration: RouteDeclaration<S>,
    ...steps: RouteSteps<NoInfer<RouteInput<Path, P, S>>>
  ): this {
    return this.add('post', path, declaration, steps);
  }

  put<Path extends string, S extends RequestSchemas = Record<never, never>>(
    path: Path,
    declaration: RouteDeclaration<S>,
    ...steps: RouteSteps<NoInfer<RouteInput<Path, P, S>>>
  ): this {
    return this.add('put', path, declaration, steps);
  }

  delete<Path extends string, S extends RequestSchemas = Record<never, never>>(
    path: Path,
    declaration: RouteDeclaration<S>,
    ...steps: RouteSteps<NoInfer<RouteInput<Path, P, S>>>
  ): this {
    return this.add('delete', path, declaration, steps);
  }

  private add(
    method: Method,
    path: string,
    declaration: RouteDeclaration<RequestSchemas>,
    steps: RouteSteps<never>,
  ): this {
    const where = `${method.toUpperCase()} ${path}`;
    const handler = steps.at(-1) as RouteHandler<unknown>;
    const middlewares = steps.slice(0, -1);
    const firstWithInput = middlewares.findIndex(isInputMiddleware);
    const before = (firstWithInput < 0 ? middlewares : middlewares.slice(0, firstWithInput)) as RequestHandler[];
    const after = (firstWithInput < 0 ? [] : middlewares.slice(firstWithInput)) as InputMiddleware<unknown>[];
    if (!after.every(isInputMiddleware))
      throw new Error(`${where}: a middleware without the input follows one with it.`);
    const authenticate = declaration.auth ? this.options.authenticate : undefined;
    if (declaration.auth && !authenticate)
      throw new Error(`${where} requires a token, but its router has no authenticate.`);
    const schemas = this.schemasOf(where, path, declaration.schemas ?? {});
    const { params, ...queryAndBody } = schemas;
    this.router[method](
      path,
      recordRoutePattern,
      ...(authenticate ? [authenticate] : []),
      // The path first: the permission checks among the middlewares read `:id`.
      ...(params ? [validate({ params })] : []),
      ...before,
      ...(queryAndBody.query || queryAndBody.body ? [validate(queryAndBody)] : []),
      ...after.map(
        (step): RequestHandler =>
          (req, res, next) =>
            step(inputOf(res), req, res, next),
      ),
      (req: Request, res: Response) => handler(inputOf(res), req, res),
    );
    this.routes.push({
      method,
      path,
      docs: declaration.docs,
      auth: declaration.auth ?? false,
      schemas,
      middlewares: [...before, ...after],
    });
    return this;
  }

  /** The route's schemas, with `params` from the router's path parameters when it declares none; every path parameter has one. */
  private schemasOf(where: string, path: string, declared: RequestSchemas): RequestSchemas {
    const names = [...path.matchAll(/:(\w+)/g)].map((match) => match[1]!);
    if (declared.params) {
      const shape =
        declared.params instanceof z.ZodObject ? (declared.params.shape as Record<string, unknown>) : undefined;
      const missing = shape ? names.filter((name) => !(name in shape)) : [];
      if (missing.length > 0) throw new Error(`${where}: its params schema has no ${missing.join(', ')}.`);
      return declared;
    }
    if (names.length === 0) return declared;
    const pathParameters: PathParameterSchemas = this.options.pathParameters ?? {};
    const missing = names.filter((name) => !pathParameters[name]);
    if (missing.length > 0) throw new Error(`${where}: no schema for the path parameter ${missing.join(', ')}.`);
    return { ...declared, params: z.object(Object.fromEntries(names.map((name) => [name, pathParameters[name]!]))) };
  }
}

const joinPaths = (base: string, path: string) => (base + (path === '/' ? '' : path) || '/').replace(/\/{2,}/g, '/');

/**
 * The documented routes of one app: `createServer` mounts every component's router through it,
 * and the OpenAPI document is built from what was mounted.
 */
export class OpenApiRegistry {
  private readonly mounted: DocumentedRoute[] = [];

  /** Mounts a component's routes on the app at `mountPath` and records them with their full paths. */
  mount(app: Application, mountPath: string, documented: DocumentedRouter): void {
    app.use(mountPath, documented.router);
    for (const route of documented.routes)
      this.mounted.push({ ...route, path: joinPaths(mountPath === '/' ? '' : mountPath, route.path) });
  }

  /** Every route mounted so far, with its full path. */
  routes(): readonly DocumentedRoute[] {
    return this.mounted;
  }

  /** The OpenAPI 3.1 document of every mounted route (see `buildOpenApi`). */
  document(info: OpenApiInfo): Record<string, unknown> {
    return buildOpenApi(this.mounted, info);
  }
}

const errorBodySchema = z
  .object({
    hasError: z.literal(1),
    error: z.string().meta({ description: 'A readable message, for people; it may change.' }),
    code: z.enum(Object.keys(errorCodes) as [ErrorCode, ...ErrorCode[]]).meta({
      description: `A stable machine word to act on:\n${Object.entries(errorCodes)
        .map(([code, meaning]) => `- \`${code}\`: ${meaning}`)
        .join('\n')}`,
    }),
    errors: z
      .array(
        z.object({
          field: z.string().meta({ description: 'The field or query parameter; nested ones joined with dots.' }),
          message: z.string().meta({ description: 'What is wrong with it, for people.' }),
        }),
      )
      .optional()
      .meta({ description: 'On every 422: each invalid field with its own message.' }),
  })
  .meta({ description: 'Every error response.' });

/** JSON Schema of a zod schema, in the input or output direction. */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, {
    io,
    target: 'draft-2020-12',
    unrepresentable: 'any',
  }) as Record<string, unknown>;
  return rest;
}

function parameters(schema: z.ZodType | undefined, where: 'query' | 'path'): Record<string, unknown>[] {
  if (!schema) return [];
  const object = jsonSchema(schema, 'input') as {
    properties?: Record<string, Record<string, unknown>>;
    required?: string[];
  };
  return Object.entries(object.properties ?? {}).map(([name, property]) => {
    const { description, ...propertySchema } = property;
    return {
      name,
      in: where,
      required: where === 'path' || (object.required ?? []).includes(name),
      ...(description ? { description } : {}),
      schema: propertySchema,
    };
  });
}

export interface OpenApiInfo {
  title: string;
  version: string;
  description?: string;
  /** `identifier` is an SPDX expression. */
  license?: { name: string; identifier?: string };
}

/**
 * Every status a route can answer: the route's own, then what its middlewares and its kind of
 * route add (shared statuses, documented once here, so a new route gets them for free).
 */
function responsesOf(route: DocumentedRoute): DocumentedResponses {
  const { schemas } = route;
  const fromMiddlewares = route.middlewares.map(
    (middleware) => (middleware as { documentedResponses?: DocumentedResponses }).documentedResponses ?? {},
  );
  const shared: DocumentedResponses = {
    ...everyRouteResponses,
    ...(route.auth ? authenticatedResponses : {}),
    ...(schemas.body ? bodyResponses : {}),
    ...(schemas.body || schemas.query || schemas.params ? validatedResponses : {}),
    ...fromMiddlewares.reduce((all, responses) => ({ ...all, ...responses }), {}),
  };
  return { ...shared, ...route.docs.responses };
}

function responseObject(status: string, response: ResponseDocs | string): Record<string, unknown> {
  const {
    description,
    schema,
    headers = {},
  } = typeof response === 'string' ? { description: response, schema: undefined, headers: undefined } : response;
  const body = schema ?? (Number(status) >= 400 ? errorBodySchema : undefined);
  const allHeaders =
    retryAfterStatuses.has(status) && !headers['Retry-After']
      ? { ...headers, 'Retry-After': 'Seconds to wait before trying again.' }
      : headers;
  return {
    description,
    ...(Object.keys(allHeaders).length > 0
      ? {
          headers: Object.fromEntries(
            Object.entries(allHeaders).map(([name, text]) => [name, { description: text, schema: { type: 'string' } }]),
          ),
        }
      : {}),
    ...(body ? { content: { 'application/json': { schema: jsonSchema(body, 'output') } } } : {}),
  };
}

function pathParametersOf(route: DocumentedRoute): Record<string, unknown>[] {
  const documented = parameters(route.schemas.params, 'path');
  const names = [...route.path.matchAll(/:(\w+)/g)].map((match) => match[1]!);
  return names.map(
    (name) =>
      documented.find((parameter) => parameter.name === name) ?? {
        name,
        in: 'path',
        required: true,
        schema: { type: 'string' },
      },
  );
}

const operationIdOf = (method: Method, openApiPath: string) =>
  `${method}${openApiPath.replace(/[{}]/g, '').replace(/[^a-zA-Z0-9]+(.)?/g, (_, c: string | undefined) => (c ?? '').toUpperCase()) || 'Root'}`;

function operationOf(route: DocumentedRoute, openApiPath: string): Record<string, unknown> {
  const { docs: routeDocs, schemas } = route;
  const body = schemas.body ? jsonSchema(schemas.body, 'input') : undefined;
  return {
    summary: routeDocs.summary,
    ...(routeDocs.description ? { description: routeDocs.description } : {}),
    tags: [routeDocs.tag],
    operationId: operationIdOf(route.method, openApiPath),
    // Public operations say so explicitly: no security requirement.
    security: route.auth ? [{ bearerAuth: [] }] : [],
    parameters: [...pathParametersOf(route), ...parameters(schemas.query, 'query')],
    ...(body
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: body }, 'application/x-www-form-urlencoded': { schema: body } },
          },
        }
      : {}),
    responses: Object.fromEntries(
      Object.entries(responsesOf(route)).map(([status, response]) => [status, responseObject(status, response)]),
    ),
  };
}

/**
 * Builds the OpenAPI 3.1 document of routes, from their declarations: the schemas they validate
 * and hand their handlers, so the document cannot drift from either. Statuses every route
 * shares are added here, once.
 */
export function buildOpenApi(routes: readonly DocumentedRoute[], info: OpenApiInfo): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const openApiPath = route.path.replace(/:(\w+)/g, '{$1}');
    (paths[openApiPath] ??= {})[route.method] = operationOf(route, openApiPath);
  }
  return {
    openapi: '3.1.0',
    info,
    // Relative: the API is served where this document is.
    servers: [{ url: '/', description: 'This server.' }],
    paths,
    components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
  };
}
