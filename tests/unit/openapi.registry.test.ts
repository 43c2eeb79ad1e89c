import express from 'express';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { DocumentedRouter, OpenApiRegistry } from '../../http/openapi';
import { expressRoutes } from '../harness/expressRoutes';

interface Operation {
  parameters: { name: string; in: string; schema: Record<string, unknown> }[];
  security: unknown[];
  responses: Record<string, unknown>;
  requestBody?: unknown;
}
type Document = { paths: Record<string, Record<string, Operation>> };

const docs = { summary: 'A thing', tag: 'docs', responses: { 200: 'The thing.' } } as const;

describe('the OpenAPI registry', () => {
  it('documents the routes mounted through it, with their full paths and the schemas they declare', () => {
    const app = express();
    const registry = new OpenApiRegistry();
    const things = new DocumentedRouter({ pathParameters: { id: z.string().meta({ format: 'uuid' }) } }).get(
      '/:id',
      { docs, schemas: { query: z.strictObject({ verbose: z.string().optional() }) } },
      (_input, _req, res) => void res.end(),
    );
    registry.mount(app, '/things', things);
    const document = registry.document({ title: 't', version: '1' }) as Document;
    expect(Object.keys(document.paths)).toEqual(['/things/{id}']);
    const operation = document.paths['/things/{id}']!.get!;
    expect(operation.parameters.map((p) => `${p.in}:${p.name}`)).toEqual(['path:id', 'query:verbose']);
    expect(operation.parameters[0]!.schema).toMatchObject({ type: 'string', format: 'uuid' });
    expect(Object.keys(operation.responses)).toContain('422');
  });

  it('documents a body, and the token a route declares with auth (401 and 403)', () => {
    const app = express();
    const registry = new OpenApiRegistry();
    const things = new DocumentedRouter({ authenticate: (_req, _res, next) => next() })
      .post(
        '/',
        { docs, schemas: { body: z.strictObject({ name: z.string() }) } },
        (_input, _req, res) => void res.end(),
      )
      .get('/', { docs, auth: true }, (_input, _req, res) => void res.end());
    registry.mount(app, '/things', things);
    const document = registry.document({ title: 't', version: '1' }) as Document;
    const { post, get } = document.paths['/things']!;
    expect(post!.requestBody).toBeDefined();
    expect(Object.keys(post!.responses)).toEqual(expect.arrayContaining(['415', '422']));
    expect(post!.security).toEqual([]);
    expect(get!.security).toEqual([{ bearerAuth: [] }]);
    expect(Object.keys(get!.responses)).toEqual(expect.arrayContaining(['401', '403']));
    expect(Object.keys(get!.responses)).not.toContain('422');
  });

  it('leaves out a route added around it, which the comparison with the app finds', () => {
    const app = express();
    const registry = new OpenApiRegistry();
    const documented = new DocumentedRouter().get(
      '/',
      { docs: { summary: 'Listed', tag: 'docs', responses: { 200: 'Yes.' } } },
      (_input, _req, res) => void res.end(),
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
