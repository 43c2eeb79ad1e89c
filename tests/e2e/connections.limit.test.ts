import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { descriptorLimit, maxConnectionsFor } from '../../http/connectionLimit';
import { startTestServer, type TestServer } from '../harness/testServer';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.stop();
});

/** Opens an idle TCP connection from `localAddress`; resolves once it is connected (or refused). */
function idleConnection(port: number, localAddress: string): Promise<Socket> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, localAddress });
    socket.on('error', () => undefined);
    socket.once('connect', () => resolve(socket));
    socket.once('close', () => resolve(socket));
  });
}

/** `GET /healthz` from `localAddress`: status and milliseconds taken. */
function healthFrom(port: number, localAddress: string): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/healthz', localAddress, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('slow and greedy clients', () => {
  it(
    'keeps answering another address within 1 s while one address holds 10,000 idle connections',
    { timeout: 120_000 },
    async () => {
      const port = server.server.port;
      // 10,000 client sockets stay well below this process's descriptor limit (`ulimit -n`); the server holds at most 256 of them.
      const count = Math.min(10_000, descriptorLimit() - 2000);
      expect(count).toBeGreaterThanOrEqual(5000);
      const sockets: Socket[] = [];
      try {
        for (let opened = 0; opened < count; opened += 500) {
          sockets.push(
            ...(await Promise.all(
              Array.from({ length: Math.min(500, count - opened) }, () => idleConnection(port, '127.0.0.1')),
            )),
          );
        }
        const health = await healthFrom(port, '127.0.0.2');
        expect(health.status).toBe(200);
        expect(health.ms).toBeLessThan(1000);
        // Past max_connections_per_ip the server closed them at once: it holds no more than that.
        const held = await new Promise<number>((resolve, reject) =>
          server.server.httpServer.getConnections((error, open) => (error ? reject(error) : resolve(open))),
        );
        expect(held).toBeLessThanOrEqual(server.config.max_connections_per_ip);
        expect(sockets.filter((socket) => !socket.destroyed).length).toBeLessThan(count / 10);
      } finally {
        for (const socket of sockets) socket.destroy();
      }
    },
  );

  it('closes a connection whose headers do not arrive within 10 s', { timeout: 30_000 }, async () => {
    const socket = await idleConnection(server.server.port, '127.0.0.3');
    const started = Date.now();
    const answer: string[] = [];
    socket.on('data', (chunk: Buffer) => answer.push(chunk.toString('latin1')));
    socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n');
    await new Promise((resolve) => socket.once('close', resolve));
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(9_000);
    expect(elapsed).toBeLessThan(13_000);
    expect(answer.join('')).toMatch(/^$|^HTTP\/1\.1 408/);
    // An answer, when one could be written, is the API's JSON error.
    if (answer.length > 0)
      expect(answer.join('')).toMatch(/\r\n\r\n\{"hasError":1,"error":".+","code":"request_timeout"\}$/);
  });

  it('takes fewer connections in all than the descriptor limit', () => {
    expect(server.server.httpServer.maxConnections).toBe(maxConnectionsFor(descriptorLimit()));
    expect(server.server.httpServer.maxConnections).toBeLessThan(descriptorLimit());
    expect(server.server.httpServer.headersTimeout).toBe(10_000);
    expect(server.server.httpServer.requestTimeout).toBe(30_000);
  });
});
