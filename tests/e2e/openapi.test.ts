import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCodes } from '../../client/types';
import { expressRoutes } from '../harness/expressRoutes';
import { startTestServer, type TestServer } from '../harness/testServer';

type Schema = Record<string, unknown> & { properties?: Record<string, Schema>; required?: string[] };
interface Response {
  description: string;
  content?: Record<string, { schema: Schema }>;
  headers?: Record<string, unknown>;
}
interface Operation {
  parameters: { name: string; in: string; required: boolean; schema: Schema }[];
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses: Record<string, Response>;
  security?: unknown[];
}
type Document = { openapi: string; servers?: { url: string }[]; paths: Record<string, Record<string, Operation>> };

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
    const result = await validator.validate(document);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('documents every route the app registers', () => {
    const routes = expressRoutes(server.server.app);
    expect(routes.length).toBeGreaterThanOrEqual(10);
    for (const route of routes) {
      expect(
        operation(route.method, route.path.replace(/:(\w+)/g, '{$1}')),
        `${route.method} ${route.path}`,
      ).toBeDefined();
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
      ['get', '/users/{id}/image'],
      ['post', '/sessions'],
      ['get', '/sessions'],
      ['delete', '/sessions'],
      ['get', '/healthz'],
      ['post', '/password-resets'],
      ['post', '/password-resets/confirm'],
      ['post', '/email-verifications'],
      ['post', '/email-verifications/resend'],
      ['get', '/readyz'],
    ];
    for (const [method, path] of contract) expect(operation(method, path), `${method} ${path}`).toBeDefined();

    const search = operation('get', '/')!;
    expect(search.parameters.map((p) => p.name).sort()).toEqual(['description', 'full_time', 'location']);
    expect(Object.keys(search.responses).sort()).toEqual(['200', '304', '400', '413', '422', '429', '502', '503']);

    const register = operation('post', '/users')!;
    const body = register.requestBody!.content['application/json']!.schema;
    expect(Object.keys(body.properties ?? {}).sort()).toEqual(['email', 'password', 'username']);
    expect(register.requestBody!.content['application/x-www-form-urlencoded']).toBeDefined();
    expect(register.responses['201']).toBeDefined();
    expect(register.responses['422']).toBeDefined();

    expect(operation('get', '/users')!.security).toBeDefined();
    expect(
      operation('get', '/users')!
        .parameters.map((p) => p.name)
        .sort(),
    ).toEqual(['cursor', 'limit']);
    expect(operation('put', '/users/{id}')!.parameters.find((p) => p.name === 'id')).toMatchObject({
      in: 'path',
      required: true,
    });
    expect(operation('put', '/users/{id}/image/signed-url')!.parameters.map((p) => p.name)).toEqual(
      expect.arrayContaining(['fileType', 'fileSize']),
    );
    const image = operation('get', '/users/{id}/image')!;
    expect(image.security).toEqual([]);
    expect(Object.keys(image.responses)).toEqual(expect.arrayContaining(['302', '404']));
  });
});

describe('GET /openapi.json for tools (linters, generated contract tests)', () => {
  const operations = () =>
    Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ name: `${method} ${path}`, op })),
    );
  const errorSchema = {
    type: 'object',
    properties: {
      hasError: { type: 'number', const: 1 },
      error: { type: 'string' },
      code: { type: 'string', enum: Object.keys(errorCodes) },
    },
    required: ['hasError', 'error', 'code'],
  };

  it('names its server, relative to where it is served', () => {
    expect(document.servers).toEqual([expect.objectContaining({ url: '/' })]);
  });

  it('marks every public operation with an empty security list and every authenticated one with the bearer scheme', () => {
    for (const { name, op } of operations()) {
      const authenticated = (op.security ?? []).length > 0;
      expect(op.security, name).toEqual(authenticated ? [{ bearerAuth: [] }] : []);
      if (authenticated) expect(Object.keys(op.responses), name).toEqual(expect.arrayContaining(['401', '403']));
    }
    expect(operation('post', '/users')!.security).toEqual([]);
    expect(operation('post', '/sessions')!.security).toEqual([]);
    expect(operation('get', '/users/{id}')!.security).toEqual([{ bearerAuth: [] }]);
  });

  it('lists 400, 413 and 503 on every operation, 415 and 422 on each with a body, each error with the error schema', () => {
    for (const { name, op } of operations()) {
      expect(Object.keys(op.responses), name).toEqual(expect.arrayContaining(['400', '413', '503']));
      if (op.requestBody) expect(Object.keys(op.responses), name).toEqual(expect.arrayContaining(['415', '422']));
      for (const [status, response] of Object.entries(op.responses)) {
        expect(response.description, `${name} ${status}`).toBeTruthy();
        if (Number(status) >= 400 && !(name === 'get /healthz' && status === '503')) {
          expect(response.content?.['application/json']?.schema, `${name} ${status}`).toMatchObject(errorSchema);
        }
      }
    }
  });

  it('tells clients to wait Retry-After seconds on 429 and 503', () => {
    for (const { name, op } of operations()) {
      for (const status of ['429', '503'])
        if (op.responses[status])
          expect(op.responses[status].headers, `${name} ${status}`).toHaveProperty('Retry-After');
    }
    expect(Object.keys(operation('post', '/users')!.responses)).toContain('429');
    expect(Object.keys(operation('post', '/sessions')!.responses)).toContain('429');
  });

  it('documents the constraints and examples of the zod schemas: email, username, password, uuid ids', () => {
    const newUser = operation('post', '/users')!.requestBody!.content['application/json']!.schema.properties!;
    expect(newUser.email).toMatchObject({
      type: 'string',
      format: 'email',
      maxLength: 254,
      example: 'ada@example.com',
    });
    expect(newUser.username).toMatchObject({
      type: 'string',
      minLength: 5,
      maxLength: 25,
      pattern: '^[A-Za-z0-9]+$',
      example: 'ada1815',
    });
    expect(newUser.password).toMatchObject({ type: 'string', format: 'password', minLength: 8, maxLength: 72 });
    expect(String(newUser.password!.description)).toMatch(/bytes/);
    expect(String(newUser.password!.example).length).toBeGreaterThanOrEqual(8);
    for (const [method, path] of [
      ['get', '/users/{id}'],
      ['put', '/users/{id}'],
      ['get', '/users/{id}/image/signed-url'],
      ['put', '/users/{id}/image/signed-url'],
      ['get', '/users/{id}/image'],
    ] as const) {
      expect(
        operation(method, path)!.parameters.find((p) => p.name === 'id')!.schema,
        `${method} ${path}`,
      ).toMatchObject({ type: 'string', format: 'uuid' });
    }
    // The user itself and admins see the whole user, anyone else its profile: one of two shapes.
    const shapes = (
      operation('get', '/users/{id}')!.responses['200']!.content!['application/json']!.schema.properties!.data as {
        oneOf: Schema[];
      }
    ).oneOf;
    const user = shapes[0]!.properties!;
    expect(user.id).toMatchObject({ format: 'uuid' });
    expect(user.email).toMatchObject({ format: 'email' });
    expect(Object.keys(shapes[1]!.properties!).sort()).toEqual(['id', 'image', 'username']);
  });
});

describe('GET /docs', () => {
  it('is the swagger-ui page, its scripts and stylesheet served by the server itself under a policy without inline scripts', async () => {
    const response = await fetch(`${server.server.url}/docs`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    const policy = response.headers.get('content-security-policy')!;
    expect(policy).toMatch(/script-src 'self'(;|$)/);
    expect(policy).not.toContain('unsafe-inline');
    expect(policy).not.toContain('unsafe-eval');
    const page = await response.text();
    const scripts = [...page.matchAll(/<script([^>]*)>/g)].map((match) => match[1]!);
    expect(scripts.length).toBeGreaterThanOrEqual(2);
    for (const attributes of scripts) expect(attributes).toMatch(/ src="\/docs\/assets\/[\w.-]+\.js"/);
    const assets = [...page.matchAll(/(?:src|href)="(\/docs\/assets\/[^"]+)"/g)].map((match) => match[1]!);
    expect(assets).toEqual(
      expect.arrayContaining([
        '/docs/assets/swagger-ui-bundle.js',
        '/docs/assets/docs.init.js',
        '/docs/assets/swagger-ui.css',
      ]),
    );
    for (const asset of assets) {
      const answer = await fetch(`${server.server.url}${asset}`);
      expect(answer.status, asset).toBe(200);
      expect(answer.headers.get('content-type'), asset).toMatch(/javascript|css|image\/png/);
    }
    expect(await (await fetch(`${server.server.url}/docs/assets/docs.init.js`)).text()).toContain(
      "url: '/openapi.json'",
    );
  });

  it('serves nothing else of the swagger-ui package', async () => {
    for (const file of ['index.html', 'package.json', 'swagger-initializer.js', '../package.json'])
      expect((await fetch(`${server.server.url}/docs/assets/${file}`)).status, file).toBe(404);
  });
});
