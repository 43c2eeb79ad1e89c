import { createServer, request, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { holdConnections } from '../../http/connectionGate';
import { InFlightResponses } from '../../http/inFlight';
import { GracefulShutdown, type StopSteps } from '../../http/shutdown';
import { Readiness } from '../../services/health/readiness';

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** An HTTP server whose requests wait until `finish()` is called; watched by `responses`. */
async function slowServer() {
  const responses = new InFlightResponses();
  const waiting: (() => void)[] = [];
  const server = createServer((_req, res) => waiting.push(() => res.end('done')));
  responses.watch(server);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    server,
    responses,
    port: (server.address() as AddressInfo).port,
    finish: () => waiting.splice(0).forEach((answer) => answer()),
    arrived: () => waiting.length,
  };
}

/** A GET with keep-alive asked for; resolves with the answer's `Connection` header and body. */
function get(port: number): Promise<{ connection: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ port, host: '127.0.0.1', agent: false, headers: { Connection: 'keep-alive' } }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => {
        req.destroy();
        resolve({ connection: res.headers.connection, body });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

const until = async (condition: () => boolean) => {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
};

describe('InFlightResponses and Readiness', () => {
  it('resolves idle() once the last response has finished, and makes responses in flight close their connection on drain', async () => {
    const slow = await slowServer();
    const readiness = new Readiness(slow.responses);
    const answer = get(slow.port);
    await until(() => slow.arrived() === 1);
    expect(slow.responses.count).toBe(1);
    let idle = false;
    void slow.responses.idle().then(() => (idle = true));
    readiness.drain();
    expect(readiness.draining).toBe(true);
    slow.finish();
    expect(await answer).toEqual({ connection: 'close', body: 'done' });
    await until(() => idle);
    expect(slow.responses.count).toBe(0);
  });

  it('answers keep-alive before drain and Connection: close after it, for new requests too', async () => {
    const slow = await slowServer();
    const readiness = new Readiness(slow.responses);
    const before = get(slow.port);
    await until(() => slow.arrived() === 1);
    slow.finish();
    expect((await before).connection).toBe('keep-alive');
    readiness.drain();
    const after = get(slow.port);
    await until(() => slow.arrived() === 1);
    slow.finish();
    expect((await after).connection).toBe('close');
  });
});

describe('GracefulShutdown', () => {
  function steps(slow: Awaited<ReturnType<typeof slowServer>>, log: string[]): StopSteps {
    return {
      httpServer: slow.server,
      listening: true,
      responses: slow.responses,
      closeSockets: async () => void log.push('sockets'),
      closeClients: async () => void log.push('clients'),
    };
  }

  it('drains at once, waits the delay, then stops once; a run without delay ends the wait early', async () => {
    const slow = await slowServer();
    const log: string[] = [];
    const shutdown = new GracefulShutdown(() => log.push('drain'), steps(slow, log));
    const first = shutdown.run(60_000, 120_000);
    expect(log).toEqual(['drain']);
    const second = shutdown.run(0, 120_000);
    await Promise.all([first, second]);
    expect(log).toEqual(['drain', 'drain', 'sockets', 'clients']);
    expect(slow.server.listening).toBe(false);
  });

  it('lets a request in flight finish before closing the clients', async () => {
    const slow = await slowServer();
    const log: string[] = [];
    const answer = get(slow.port);
    await until(() => slow.arrived() === 1);
    const stopped = new GracefulShutdown(() => undefined, steps(slow, log)).run(0, 60_000);
    await until(() => log.includes('sockets'));
    expect(log).toEqual(['sockets']);
    slow.finish();
    expect((await answer).body).toBe('done');
    await stopped;
    expect(log).toEqual(['sockets', 'clients']);
  });

  it('cuts the requests still running a second before the deadline', async () => {
    const slow = await slowServer();
    const log: string[] = [];
    const answer = get(slow.port).catch((error: NodeJS.ErrnoException) => error.code);
    await until(() => slow.arrived() === 1);
    const started = performance.now();
    await new GracefulShutdown(() => undefined, steps(slow, log)).run(0, 1500);
    expect(performance.now() - started).toBeLessThan(1400);
    expect(await answer).toBe('ECONNRESET');
    expect(log).toEqual(['sockets', 'clients']);
  });
});

describe('holdConnections', () => {
  it('keeps connections handed to a server until open(), their first bytes included', async () => {
    const slow = await slowServer();
    // A second server takes the TCP connections and hands them over, as the primary of `serve --workers` does.
    const front = createServer();
    servers.push(front);
    front.removeAllListeners('connection');
    const gate = holdConnections(slow.server);
    front.on('connection', (socket) => slow.server.emit('connection', socket));
    await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
    const socket = connect((front.address() as AddressInfo).port, '127.0.0.1');
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
    socket.write('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    // Held: nothing reaches the handler meanwhile.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(slow.arrived()).toBe(0);
    gate.open();
    await until(() => slow.arrived() === 1);
    slow.finish();
    await new Promise((resolve) => socket.once('close', resolve));
    expect(received).toMatch(/^HTTP\/1\.1 200 OK[\s\S]*done$/);
  });
});
