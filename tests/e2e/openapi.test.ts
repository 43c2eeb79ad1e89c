import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expressRoutes } from '../harness/expressRoutes';
import { startTestServer, type TestServer } from '../harness/testServer';

interface Operation {
  parameters: { name: string; in: string; required: boolean }[];
  requestBody?: { content: Record<string, { schema: { properties?: Record<string, unknown>; required?: string[] } }> };
  responses: Record<string, unknown>;
  security?: unknown[];
}
type Document = { openapi: string; paths: Record<string, Record<string, Operation>> };

let server: TestServer;
let document: Document;
beforeAll(async () => {
  server = await startTestServer();
  document = (await (await fetch(`${server.server.url}/openapi.json`)).json()) as Document;
});
afterAll(async () => {
  await server.stop();
});

const operation = (method: string, path: string) => document.paths[path]?.[method];

describe('GET /openapi.json', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    expect(document.openapi).toBe('3.1.0');
    const validator = new Validator();
    const result = await validator.validate(document as unknown as Parameters<Validator["validate"]>[0]);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('documents every route the app registers', () => {
    const routes = expressRoutes(server.server.app);
    expect(routes.length).toBeGreaterThanOrEqual(10);
    for (const route of routes) {
      expect(operation(route.method, route.path.replace(/:(\w+)/g, '{$1}')), `${route.method} ${route.path}`).toBeDefined();
    }
    const documented = Object.values(document.paths).reduce((count, methods) => count + Object.keys(methods).length, 0);
    expect(documented).toBe(routes.length);
  });

  it('covers the routes of the contract, with their parameters, bodies and errors from the validation schemas', () => {
    const contract: [string, string][] = [
      ['get', '/'],
      ['post', '/users'],
      ['get', '/users'],
      ['get', '/users/{id}'],
      ['put', '/users/{id}'],
      ['put', '/users/{id}/image/signed-url'],
      ['get', '/users/{id}/image/signed-url'],
      ['post', '/sessions'],
      ['get', '/sessions'],
      ['delete', '/sessions'],
      ['get', '/healthz'],
    ];
    for (const [method, path] of contract) expect(operation(method, path), `${method} ${path}`).toBeDefined();

    const search = operation('get', '/')!;
    expect(search.parameters.map((p) => p.name).sort()).toEqual(['description', 'full_time', 'location']);
    expect(Object.keys(search.responses).sort()).toEqual(['200', '304', '422', '502']);

    const register = operation('post', '/users')!;
    const body = register.requestBody!.content['application/json']!.schema;
    expect(Object.keys(body.properties ?? {}).sort()).toEqual(['email', 'password', 'username']);
    expect(register.requestBody!.content['application/x-www-form-urlencoded']).toBeDefined();
    expect(register.responses['201']).toBeDefined();
    expect(register.responses['422']).toBeDefined();

    expect(operation('get', '/users')!.security).toBeDefined();
    expect(operation('get', '/users')!.parameters.map((p) => p.name).sort()).toEqual(['cursor', 'limit']);
    expect(operation('put', '/users/{id}')!.parameters.find((p) => p.name === 'id')).toMatchObject({ in: 'path', required: true });
    expect(operation('put', '/users/{id}/image/signed-url')!.parameters.map((p) => p.name)).toEqual(expect.arrayContaining(['fileType', 'fileSize']));
  });
});

describe('GET /docs', () => {
  it('renders every documented route as a page', async () => {
    const response = await fetch(`${server.server.url}/docs`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    const page = await response.text();
    for (const path of Object.keys(document.paths)) expect(page).toContain(`<code>${path}</code>`);
  });
});
