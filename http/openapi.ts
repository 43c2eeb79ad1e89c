import { Router, type Application, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import { errorCodes, type ErrorCode } from '../client/types';
import type { RequestSchemas } from './validate';

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

/** What a route says about itself beyond its validation schemas. */
export interface RouteDocs {
  summary: string;
  description?: string;
  tag: (typeof docsTags)[number];
  /** Whether a Bearer token is required (the generator then adds 401 and 403); public otherwise. */
  auth?: boolean;
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
export function withResponses<H extends RequestHandler>(
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

/** A route as it is registered: method, path, its documentation and what handles it. */
export interface DocumentedRoute {
  method: Method;
  /** Express path, e.g. `/users/:id` (relative to the router until it is mounted). */
  path: string;
  docs: RouteDocs;
  handlers: RequestHandler[];
  /** Schemas of path parameters the route's own validation leaves out (its router's). */
  pathParameters?: Record<string, z.ZodType>;
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

/** The route pattern a request matched (`/users/:id`), undefined when it matched no documented route. */
export function routePatternOf(res: Response): string | undefined {
  return res.locals.routePattern as string | undefined;
}

/**
 * A router whose routes can only be added with their documentation, so the file of a component
 * reads as path, docs, middlewares, handler, and no route escapes the OpenAPI document.
 */
export class DocumentedRouter {
  /** The Express router to mount (through `OpenApiRegistry.mount`). */
  readonly router: Router = Router();
  readonly routes: DocumentedRoute[] = [];

  /**
   * @param pathParameters schemas of this router's path parameters by name (e.g. `id` as a uuid), for
   * routes that do not validate their `params` themselves
   */
  constructor(readonly pathParameters: Record<string, z.ZodType> = {}) {}

  get(path: string, docs: RouteDocs, ...handlers: RequestHandler[]): this {
    return this.add('get', path, docs, handlers);
  }

  post(path: string, docs: RouteDocs, ...handlers: RequestHandler[]): this {
    return this.add('post', path, docs, handlers);
  }

  put(path: string, docs: RouteDocs, ...handlers: RequestHandler[]): this {
    return this.add('put', path, docs, handlers);
  }

  delete(path: string, docs: RouteDocs, ...handlers: RequestHandler[]): this {
    return this.add('delete', path, docs, handlers);
  }

  private add(method: Method, path: string, docs: RouteDocs, handlers: RequestHandler[]): this {
    this.router[method](path, recordRoutePattern, ...handlers);
    this.routes.push({ method, path, docs, handlers, pathParameters: this.pathParameters });
    return this;
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

/** The validation schemas among a route's handlers (`validate()` attaches them). */
function requestSchemasOf(route: DocumentedRoute): RequestSchemas {
  return Object.assign(
    {},
    ...route.handlers.map((handler) => (handler as { requestSchemas?: RequestSchemas }).requestSchemas ?? {}),
  ) as RequestSchemas;
}

/**
 * Every status a route can answer: the route's own, then what its middlewares and its kind of
 * route add (shared statuses, documented once here, so a new route gets them for free).
 */
function responsesOf(route: DocumentedRoute, schemas: RequestSchemas): DocumentedResponses {
  const fromMiddlewares = route.handlers.map(
    (handler) => (handler as { documentedResponses?: DocumentedResponses }).documentedResponses ?? {},
  );
  const shared: DocumentedResponses = {
    ...everyRouteResponses,
    ...(route.docs.auth ? authenticatedResponses : {}),
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

function pathParametersOf(route: DocumentedRoute, schemas: RequestSchemas): Record<string, unknown>[] {
  const documented = parameters(schemas.params, 'path');
  const names = [...route.path.matchAll(/:(\w+)/g)].map((match) => match[1]!);
  return names.map(
    (name) =>
      documented.find((parameter) => parameter.name === name) ??
      parameters(
        route.pathParameters?.[name] ? z.object({ [name]: route.pathParameters[name] }) : undefined,
        'path',
      )[0] ?? { name, in: 'path', required: true, schema: { type: 'string' } },
  );
}

const operationIdOf = (method: Method, openApiPath: string) =>
  `${method}${openApiPath.replace(/[{}]/g, '').replace(/[^a-zA-Z0-9]+(.)?/g, (_, c: string | undefined) => (c ?? '').toUpperCase()) || 'Root'}`;

function operationOf(route: DocumentedRoute, openApiPath: string): Record<string, unknown> {
  const routeDocs = route.docs;
  const schemas = requestSchemasOf(route);
  const body = schemas.body ? jsonSchema(schemas.body, 'input') : undefined;
  return {
    summary: routeDocs.summary,
    ...(routeDocs.description ? { description: routeDocs.description } : {}),
    tags: [routeDocs.tag],
    operationId: operationIdOf(route.method, openApiPath),
    // Public operations say so explicitly: no security requirement.
    security: routeDocs.auth ? [{ bearerAuth: [] }] : [],
    parameters: [...pathParametersOf(route, schemas), ...parameters(schemas.query, 'query')],
    ...(body
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: body }, 'application/x-www-form-urlencoded': { schema: body } },
          },
        }
      : {}),
    responses: Object.fromEntries(
      Object.entries(responsesOf(route, schemas)).map(([status, response]) => [
        status,
        responseObject(status, response),
      ]),
    ),
  };
}

/**
 * Builds the OpenAPI 3.1 document of routes, from their documentation and their own validation
 * schemas (`validate()` among their handlers), so the two cannot drift. Statuses every route
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
