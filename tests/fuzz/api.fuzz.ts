import { Agent, request } from 'node:http';
import fc from 'fast-check';
import { io as connectSocket, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomJobsPath } from '../../client/types';
import { startTestServer, type TestServer } from '../harness/testServer';
import { signUp } from '../harness/users';
import { anyText, headersAndBody, queryText, segment, type FuzzRequest, type JsonSchema } from './arbitraries';

/**
 * Property-based fuzzing of every route of the OpenAPI document, and of the socket events: no
 * input may get a 500, hang, or take the server down. `FUZZ_SEED` and `FUZZ_RUNS` override the
 * fixed seed and the 2,000 cases per route (the seed is printed for reproduction).
 */
const seed = Number(process.env.FUZZ_SEED ?? 20_261_126);
const runs = Number(process.env.FUZZ_RUNS ?? 2000);
const requestTimeoutMs = 15_000;

interface Operation {
  parameters?: { name: string; in: string; schema?: JsonSchema }[];
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
}

let server: TestServer;
let userId: string;
/** Access tokens of sessions of the user, handed out in turn (a fuzzed logout may end some of them: 403s then). */
let sessionTokens: string[] = [];
let nextToken = 0;
const sessionToken = () => sessionTokens[nextToken++ % sessionTokens.length]!;
const agent = new Agent({ keepAlive: true, maxSockets: 32 });
/** Answers by status, per route. */
const summary = new Map<string, Map<number, number>>();

/** Sends one request and reads its status (0 when the connection closed without an answer, as Node does to bytes it cannot parse). */
function send(fuzz: FuzzRequest): Promise<number> {
  const { port } = server.server;
  const length = fuzz.body === undefined ? {} : { 'content-length': String(fuzz.body.length) };
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, agent, method: fuzz.method, path: fuzz.path, headers: { ...length, ...fuzz.headers } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', () => resolve(res.statusCode ?? 0));
      },
    );
    req.setTimeout(requestTimeoutMs, () =>
      reject(new Error(`No answer within ${requestTimeoutMs} ms: ${fuzz.method} ${fuzz.path.slice(0, 80)}`)),
    );
    req.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' ? resolve(0) : reject(error)));
    req.end(fuzz.body);
  });
}

function count(route: string, status: number): void {
  const statuses = summary.get(route) ?? new Map<number, number>();
  statuses.set(status, (statuses.get(status) ?? 0) + 1);
  summary.set(route, statuses);
}

async function healthStatus(): Promise<number> {
  return send({ method: 'GET', path: '/healthz', headers: {} });
}

/** The arbitrary of every request to one operation. */
function requestsOf(method: string, path: string, operation: Operation): fc.Arbitrary<FuzzRequest> {
  const parameters = operation.parameters ?? [];
  const pathParts = path
    .split(/(\{[^}]+\})/)
    .map((part) => (/^\{.+\}$/.test(part) ? segment([userId]) : fc.constant(part)));
  const schema = operation.requestBody?.content['application/json']?.schema;
  // Bodies on GETs come from the second case below, one in ten.
  const withBody = method !== 'get';
  const token = sessionToken;
  return fc
    .record({
      path: fc.tuple(...pathParts).map((parts) => parts.join('')),
      query: queryText(parameters.filter((parameter) => parameter.in === 'query')),
      rest: fc.oneof(
        { arbitrary: headersAndBody(schema, withBody, token), weight: 9 },
        { arbitrary: headersAndBody(schema, true, token), weight: 1 },
      ),
    })
    .map(({ path: fuzzedPath, query, rest }) => ({
      method: method.toUpperCase(),
      path: `${fuzzedPath}${query}`,
      ...rest,
    }));
}

beforeAll(async () => {
  server = await startTestServer({ socket_rate_limit: 10_000 });
  const { user } = await signUp(server.client());
  userId = user.id;
  const stored = (await server.server.services.users.getById(userId))!;
  const client = { userAgent: 'fuzz', ip: '127.0.0.1' };
  sessionTokens = await Promise.all(
    Array.from({ length: 100 }, async () => (await server.server.services.sessionsService.start(stored, client)).token),
  );
  console.log(`API fuzz: seed ${seed}, ${runs} cases per route (FUZZ_SEED=${seed} FUZZ_RUNS=${runs} to reproduce)`);
});

afterAll(async () => {
  const rows = [...summary].map(([route, statuses]) => {
    const total = [...statuses.values()].reduce((sum, n) => sum + n, 0);
    const by = [...statuses].sort(([a], [b]) => a - b).map(([status, n]) => `${status}×${n}`);
    return `  ${route.padEnd(42)} ${String(total).padStart(5)} cases  ${by.join(' ')}`;
  });
  console.log(`API fuzz summary (seed ${seed}):\n${rows.join('\n')}`);
  agent.destroy();
  await server.stop();
});

describe('fuzzing every route of the OpenAPI document', () => {
  it('never answers 500, never hangs, and stays healthy after each route', { timeout: 900_000 }, async () => {
    const document = JSON.parse(await (await fetch(`${server.server.url}/openapi.json`)).text()) as {
      paths: Record<string, Record<string, Operation>>;
    };
    const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({ path, method, operation })),
    );
    expect(operations.length).toBeGreaterThanOrEqual(10);
    // Routes run side by side (each its cases in turn), so the whole suite takes minutes, not tens of them.
    await Promise.all(
      operations.map(async ({ path, method, operation }) => {
        const route = `${method.toUpperCase()} ${path}`;
        await fc.assert(
          fc.asyncProperty(requestsOf(method, path, operation), async (fuzz) => {
            const status = await send(fuzz);
            count(route, status);
            return status !== 500;
          }),
          { seed, numRuns: runs, endOnFailure: true },
        );
        expect(await healthStatus(), `/healthz after ${route}`).toBe(200);
      }),
    );
  });
});

describe('fuzzing the socket events', () => {
  it('survives random events and payloads, anonymous and signed in', { timeout: 300_000 }, async () => {
    // A user of its own: the route fuzzing may have deleted the first one (DELETE /users/{id}).
    const { token } = await signUp(server.client());
    const sockets: Socket[] = [undefined, token].map((auth) =>
      connectSocket(server.server.url, {
        path: randomJobsPath,
        transports: ['websocket'],
        auth: auth ? { token: auth } : {},
        reconnection: false,
      }),
    );
    await Promise.all(
      sockets.map(
        (socket) =>
          new Promise<void>((resolve, reject) => socket.once('connect', () => resolve()).once('connect_error', reject)),
      ),
    );
    const payload = fc.oneof(
      anyText,
      fc.jsonValue({ maxDepth: 4 }),
      fc.record({ location: fc.oneof(anyText, fc.jsonValue({ maxDepth: 2 })) }),
      fc.constantFrom({ __proto__: { admin: true } }, { constructor: { prototype: 1 } }),
    );
    // Names the client library reserves (connect, disconnect) never leave it.
    const event = fc.constantFrom(
      'jobRequest',
      'adminStatisticsRequest',
      'jobRequest',
      'unknownEvent',
      '__proto__',
      'constructor',
      'toString',
    );
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: 1 }),
        event,
        fc.array(payload, { minLength: 1, maxLength: 3 }),
        fc.boolean(),
        async (which, name, args, withAck) => {
          const socket = sockets[which]!;
          if (name === 'jobRequest' && withAck) {
            // A jobRequest with an ack is always answered.
            const answer = await socket.timeout(requestTimeoutMs).emitWithAck('jobRequest', args[0]);
            if (typeof answer !== 'object' || answer === null) return false;
          } else {
            (socket.emit as (...a: unknown[]) => void)(name, ...args);
          }
          count(`socket ${name}`, 200);
          return socket.connected;
        },
      ),
      { seed, numRuns: runs, endOnFailure: true },
    );
    for (const socket of sockets) socket.close();
    expect(await healthStatus()).toBe(200);
  });
});
