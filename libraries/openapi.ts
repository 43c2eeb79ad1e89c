import type { Application, RequestHandler } from 'express';
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

/** What a route says about itself beyond its validation schemas. */
export interface RouteDocs {
  summary: string;
  description?: string;
  tag: string;
  /** Whether a Bearer token is required. */
  auth?: boolean;
  responses: Record<number, ResponseDocs | string>;
}

type Documented = RequestHandler & { readonly routeDocs: RouteDocs };

/**
 * A pass-through middleware carrying a route's documentation; put it first in the route so the
 * route file reads as path, docs, middlewares, handler.
 */
export function docs(routeDocs: RouteDocs): Documented {
  const middleware: RequestHandler = (_req, _res, next) => next();
  return Object.assign(middleware, { routeDocs });
}

/** A route the app registers. */
export interface RegisteredRoute {
  method: string;
  /** Express path, e.g. `/users/:id`. */
  path: string;
  handlers: RequestHandler[];
}

interface LayerLike {
  route?: { path: string; methods: Record<string, boolean>; stack: { handle: RequestHandler; method?: string }[] };
  handle: RequestHandler & { stack?: LayerLike[] };
  rawPath?: string | string[];
}

const joinPaths = (base: string, path: string) => (base + (path === '/' ? '' : path) || '/').replace(/\/{2,}/g, '/');

/** Lists every route registered on the app (through routers mounted at fixed paths). */
export function registeredRoutes(app: Application): RegisteredRoute[] {
  const routes: RegisteredRoute[] = [];
  const walk = (stack: LayerLike[], base: string) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const method of Object.keys(layer.route.methods).filter((m) => m !== '_all')) {
          routes.push({
            method,
            path: joinPaths(base, layer.route.path) || '/',
            handlers: layer.route.stack.filter((entry) => !entry.method || entry.method === method).map((entry) => entry.handle),
          });
        }
      } else if (layer.handle.stack && typeof layer.rawPath === 'string') {
        walk(layer.handle.stack, joinPaths(base, layer.rawPath === '/' ? '' : layer.rawPath));
      }
    }
  };
  walk((app as unknown as { router: { stack: LayerLike[] } }).router.stack, '');
  return routes;
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
 * Builds the OpenAPI 3.1 document of every route the app registers, from the routes' own
 * validation schemas (`validate()`) and documentation (`docs()`).
 * @throws Error naming a route that has no `docs()`, so no route goes undocumented
 */
export function buildOpenApi(app: Application, info: OpenApiInfo): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of registeredRoutes(app)) {
    const routeDocs = route.handlers.map((handler) => (handler as Partial<Documented>).routeDocs).find(Boolean);
    if (!routeDocs) throw new Error(`Route ${route.method.toUpperCase()} ${route.path} has no docs().`);
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
