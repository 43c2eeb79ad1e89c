import { Router, type Application, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
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
  /** Whether a Bearer token is required. */
  auth?: boolean;
  responses: Record<number, ResponseDocs | string>;
}

type Method = 'get' | 'post' | 'put' | 'delete' | 'patch';

/** A route as it is registered: method, path, its documentation and what handles it. */
export interface DocumentedRoute {
  method: Method;
  /** Express path, e.g. `/users/:id` (relative to the router until it is mounted). */
  path: string;
  docs: RouteDocs;
  handlers: RequestHandler[];
}

/**
 * Records the matched route's pattern (`/users/:id`) for what runs after the route: the error
 * handler and the metrics see the request once Express has left the router.
 */
const recordRoutePattern: RequestHandler = (req, res, next) => {
  const route = (req.route as { path: string }).path;
  res.locals.routePattern = (req.baseUrl + (route === '/' && req.baseUrl ? '' : route)) || '/';
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
    this.routes.push({ method, path, docs, handlers });
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
    for (const route of documented.routes) this.mounted.push({ ...route, path: joinPaths(mountPath === '/' ? '' : mountPath, route.path) });
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
  .object({ hasError: z.literal(1), error: z.string().meta({ description: 'A readable message.' }) })
  .meta({ description: 'Every error response.' });

/** JSON Schema of a zod schema, in the input or output direction. */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, target: 'draft-2020-12', unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
}

function parameters(schema: z.ZodType | undefined, where: 'query' | 'path'): Record<string, unknown>[] {
  if (!schema) return [];
  const object = jsonSchema(schema, 'input') as { properties?: Record<string, Record<string, unknown>>; required?: string[] };
  return Object.entries(object.properties ?? {}).map(([name, property]) => {
    const { description, ...propertySchema } = property;
    return { name, in: where, required: where === 'path' || (object.required ?? []).includes(name), ...(description ? { description } : {}), schema: propertySchema };
  });
}

export interface OpenApiInfo {
  title: string;
  version: string;
  description?: string;
}

/**
 * Builds the OpenAPI 3.1 document of routes, from their documentation and their own validation
 * schemas (`validate()` among their handlers), so the two cannot drift.
 */
export function buildOpenApi(routes: readonly DocumentedRoute[], info: OpenApiInfo): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const routeDocs = route.docs;
    const schemas: RequestSchemas = Object.assign({}, ...route.handlers.map((handler) => (handler as { requestSchemas?: RequestSchemas }).requestSchemas ?? {}));
    const openApiPath = route.path.replace(/:(\w+)/g, '{$1}');
    const pathParameters = [...route.path.matchAll(/:(\w+)/g)].map((match) => match[1]!);
    const documentedPath = parameters(schemas.params, 'path');
    const responses: Record<string, unknown> = {};
    for (const [status, response] of Object.entries(routeDocs.responses)) {
      const { description, schema, headers } = typeof response === 'string' ? { description: response, schema: undefined, headers: undefined } : response;
      const body = schema ?? (Number(status) >= 400 ? errorBodySchema : undefined);
      responses[status] = {
        description,
        ...(body ? { content: { 'application/json': { schema: jsonSchema(body, 'output') } } } : {}),
        ...(headers ? { headers: Object.fromEntries(Object.entries(headers).map(([name, text]) => [name, { description: text, schema: { type: 'string' } }])) } : {}),
      };
    }
    const body = schemas.body ? jsonSchema(schemas.body, 'input') : undefined;
    (paths[openApiPath] ??= {})[route.method] = {
      summary: routeDocs.summary,
      ...(routeDocs.description ? { description: routeDocs.description } : {}),
      tags: [routeDocs.tag],
      operationId: `${route.method}${openApiPath.replace(/[{}]/g, '').replace(/[^a-zA-Z0-9]+(.)?/g, (_, c: string | undefined) => (c ?? '').toUpperCase()) || 'Root'}`,
      ...(routeDocs.auth ? { security: [{ bearerAuth: [] }] } : {}),
      parameters: [
        ...(documentedPath.length > 0 ? documentedPath : pathParameters.map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } }))),
        ...parameters(schemas.query, 'query'),
      ],
      ...(body ? { requestBody: { required: true, content: { 'application/json': { schema: body }, 'application/x-www-form-urlencoded': { schema: body } } } } : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info,
    paths,
    components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
  };
}
