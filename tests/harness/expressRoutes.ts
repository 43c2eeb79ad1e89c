import type { Application, RequestHandler } from 'express';

/**
 * Test-only: lists every route an Express app answers, by walking its router stacks (Express's
 * private internals, which the server itself no longer reads). It finds a route added around the
 * OpenAPI registry, which the document would otherwise miss.
 */
export interface ExpressRoute {
  method: string;
  /** Express path, e.g. `/users/:id`. */
  path: string;
}

interface LayerLike {
  route?: { path: string; methods: Record<string, boolean> };
  handle: RequestHandler & { stack?: LayerLike[] };
  rawPath?: string | string[];
}

const joinPaths = (base: string, path: string) => (base + (path === '/' ? '' : path) || '/').replace(/\/{2,}/g, '/');

/** Every route of the app, through routers mounted at fixed paths. */
export function expressRoutes(app: Application): ExpressRoute[] {
  const routes: ExpressRoute[] = [];
  const walk = (stack: LayerLike[], base: string) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const method of Object.keys(layer.route.methods).filter((m) => m !== '_all'))
          routes.push({ method, path: joinPaths(base, layer.route.path) || '/' });
      } else if (layer.handle.stack && typeof layer.rawPath === 'string') {
        walk(layer.handle.stack, joinPaths(base, layer.rawPath === '/' ? '' : layer.rawPath));
      }
    }
  };
  walk((app as unknown as { router: { stack: LayerLike[] } }).router.stack, '');
  return routes;
}
