import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type SocketError } from '../../client';
import { freePort, waitUntil } from '../../devtools/localStack';
import { exited, waitForLine } from '../harness/cli';
import { rawGet, refusesConnections } from '../harness/rawHttp';
import { serveEnvironment, startServeProcess } from '../harness/serveProcess';
import { startTestServer, type TestServer } from '../harness/testServer';
import { startUpstream, type Upstream } from '../harness/upstream';

let directory: string;
let upstream: Upstream;
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'node-jobs-shutdown-'));
  upstream = await startUpstream();
});
afterAll(async () => {
  await upstream.close();
  await rm(directory, { recursive: true, force: true });
});

describe('serve on SIGTERM, for a load balancer', () => {
  it(
    'answers /readyz 503 at once while /healthz stays 200, serves shutdown_delay_s more with Connection: close, then refuses connections, finishes the request in flight, sends its sockets to reconnect, and exits 0 within shutdown_timeout_s',
    { timeout: 240_000 },
    async () => {
      const delayS = 3;
      const timeoutS = 20;
      const server = await startServeProcess(
        await freePort(),
        serveEnvironment(directory, {
          shutdown_delay_s: delayS,
          shutdown_timeout_s: timeoutS,
          jobs_provider: 'github',
          jobs_api_url: `${upstream.url}/github/positions.json`,
          jobs_timeout_ms: 60_000,
        }),
      );
      const client = createClient({ baseURL: server.url });
      const sockets = [client.jobs.connect(), client.jobs.connect({ transports: ['polling'] })];
      const socketErrors: SocketError[][] = sockets.map((socket) => {
        const seen: SocketError[] = [];
        socket.onError((error) => seen.push(error));
        return seen;
      });
      const hold = upstream.hold();
      try {
        await Promise.all(sockets.map((socket) => socket.connected()));
        const ready = await rawGet(`${server.url}/readyz`);
        expect(ready).toMatchObject({ status: 200, headers: { 'keep-alive': 'timeout=65' } });
        expect(JSON.parse(ready.body)).toEqual({ status: 'ready' });

        // A search the job board answers only once the process has stopped accepting connections.
        const search = client.jobs.search({ location: 'berlin' });
        await hold.arrived(1);
        server.child.kill('SIGTERM');
        const signalled = performance.now();
        await waitForLine(server.child, /SIGTERM: shutting down/, 10_000);

        const notReady = await rawGet(`${server.url}/readyz`);
        expect(notReady.status).toBe(503);
        expect(JSON.parse(notReady.body)).toMatchObject({ hasError: 1, code: 'service_unavailable' });
        const health = await rawGet(`${server.url}/healthz`);
        expect(health.status).toBe(200);
        for (const answer of [notReady, health]) expect(answer.headers.connection).toBe('close');
        // Work sent meanwhile is still done.
        expect((await rawGet(`${server.url}/openapi.json`)).status).toBe(200);

        await waitUntil(() => refusesConnections(server.port), 15_000, 'the listener to close');
        const closedAfterMs = performance.now() - signalled;
        expect(closedAfterMs).toBeGreaterThanOrEqual(delayS * 1000 - 500);
        // Told to reconnect (the transport closed), not ended by the server: they try again elsewhere.
        await waitUntil(
          async () => sockets.every((socket) => !socket.socket.connected),
          10_000,
          'the sockets to be sent away',
        );
        for (const [index, socket] of sockets.entries()) {
          expect(socket.socket.active, `socket ${index} reconnects`).toBe(true);
          expect(socketErrors[index]!.map((error) => error.message)).toContainEqual(
            expect.stringMatching(/transport close/),
          );
        }

        hold.release();
        expect((await search).length).toBeGreaterThan(0);
        const { code } = await exited(server.child);
        expect(code, server.output()).toBe(0);
        expect(performance.now() - signalled).toBeLessThan(timeoutS * 1000);
      } finally {
        hold.release();
        for (const socket of sockets) socket.close();
        await server.stop('SIGKILL');
      }
    },
  );
});

describe('keep-alive behind a load balancer', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.stop();
  });

  it(
    'keeps an idle keep-alive connection open past the 10 s headers timeout, advertising keep_alive_timeout_s (65)',
    {
      timeout: 60_000,
    },
    async () => {
      const socket = connect(server.server.port, '127.0.0.1');
      let received = '';
      socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
      const responses = () => received.match(/HTTP\/1\.1 200 OK\r\n/g)?.length ?? 0;
      try {
        await new Promise((resolve) => socket.once('connect', resolve));
        socket.write('GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n');
        await waitUntil(async () => responses() === 1, 5000, 'the first answer');
        expect(received).toMatch(/\r\nKeep-Alive: timeout=65\r\n/i);
        expect(server.server.httpServer.keepAliveTimeout).toBe(65_000);
        expect(server.server.httpServer.headersTimeout).toBe(10_000);
        // Idle for longer than the headers timeout: an AWS load balancer keeps such connections for 60 s.
        await new Promise((resolve) => setTimeout(resolve, 11_000));
        expect(socket.destroyed).toBe(false);
        socket.write('GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n');
        await waitUntil(async () => responses() === 2, 5000, 'the second answer on the same connection');
      } finally {
        socket.destroy();
      }
    },
  );
});
