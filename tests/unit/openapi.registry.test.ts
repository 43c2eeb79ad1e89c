import express from 'express';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { DocumentedRouter, OpenApiRegistry } from '../../http/openapi';
import { validate } from '../../http/validate';
import { expressRoutes } from '../harness/expressRoutes';

type Document = { paths: Record<string, Record<string, { parameters: { name: string; in: string }[] }>> };

describe('the OpenAPI registry', () => {
  it('documents the routes mounted through it, with their full paths and validation schemas', () => {
    const app = express();
    const registry = new OpenApiRegistry();
    const things = new DocumentedRouter().get(
      '/:id',
      { summary: 'A thing', tag: 'docs', responses: { 200: 'The thing.' } },
      validate({ query: z.strictObject({ verbose: z.string().optional() }) }),
      (_req, res) => void res.end(),
    );
    registry.mount(app, '/things', things);
    const document = registry.document({ title: 't', version: '1' }) as Document;
    expect(Object.keys(document.paths)).toEqual(['/things/{id}']);
    expect(document.paths['/things/{id}']!.get!.parameters.map((p) => `${p.in}:${p.name}`)).toEqual([
      'path:id',
      'query:verbose',
    ]);
  });

  it('leaves out a route added around it, which the comparison with the app finds', () => {
    const app = express();
    const registry = new OpenApiRegistry();
    const documented = new DocumentedRouter().get(
      '/',
      { summary: 'Listed', tag: 'docs', responses: { 200: 'Yes.' } },
      (_req, res) => void res.end(),
    );
    documented.router.get('/secret', (_req, res) => void res.end());
    registry.mount(app, '/things', documented);
    const document = registry.document({ title: 't', version: '1' }) as Document;
    const undocumented = expressRoutes(app).filter(
      (route) => !document.paths[route.path.replace(/:(\w+)/g, '{$1}')]?.[route.method],
    );
    expect(undocumented).toEqual([{ method: 'get', path: '/things/secret' }]);
  });
});
