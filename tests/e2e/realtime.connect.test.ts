import { createServer as createNetServer, connect, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SocketError, createClient } from '../../client';
import { freePort } from '../../devtools/localStack';
import { startTestServer, type TestServer } from '../harness/testServer';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ random_job_interval_ms: 3_600_000 });
});
afterAll(async () => {
  await server.stop();
});

/**
 * A TCP relay to the test server that cuts the first `cut` connections at once (as a load
 * balancer or a process that goes away does), then relays the rest.
 */
async function flakyRelay(cut: number): Promise<{ url: string; cutSoFar: () => number; close: () => void }> {
  const target = new URL(server.server.url);
  let cutSoFar = 0;
  const sockets = new Set<Socket>();
  const relay: Server = createNetServer((incoming) => {
    sockets.add(incoming);
    incoming.on('close', () => sockets.delete(incoming));
    if (cutSoFar < cut) {
      cutSoFar++;
      return void incoming.resetAndDestroy();
    }
    const outgoing = connect(Number(target.port), target.hostname);
    sockets.add(outgoing);
    outgoing.on('close', () => sockets.delete(outgoing));
    incoming.pipe(outgoing).pipe(incoming);
    incoming.on('error', () => outgoing.destroy());
    outgoing.on('error', () => incoming.destroy());
  });
  const port = await freePort();
  await new Promise<void>((resolve) => relay.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    cutSoFar: () => cutSoFar,
    close: () => {
      relay.close();
      sockets.forEach((socket) => socket.destroy());
    },
  };
}

describe('RealtimeConnection.connected()', () => {
  it(
    'waits while socket.io tries again after a lost connection, and resolves once it connects',
    { timeout: 30_000 },
    async () => {
      const relay = await flakyRelay(2);
      const connection = createClient({ baseURL: relay.url }).jobs.connect({ transports: ['polling'] });
      try {
        await connection.connected();
        expect(connection.socket.connected).toBe(true);
        expect(relay.cutSoFar()).toBe(2);
      } finally {
        connection.close();
        relay.close();
      }
    },
  );

  it('rejects at once when the server refuses the connection (a bad token)', async () => {
    const client = server.client();
    client.storage.set('not-a-token');
    const connection = client.jobs.connect();
    const started = Date.now();
    try {
      const refusal = await connection.connected().catch((error: unknown) => error);
      expect(refusal).toBeInstanceOf(SocketError);
      expect((refusal as SocketError).code).toBe('connect_error');
      expect(Date.now() - started).toBeLessThan(900); // before socket.io's first retry (1 s ± 50 %)
    } finally {
      connection.close();
    }
  });

  it('rejects after three failed attempts when nothing answers', { timeout: 30_000 }, async () => {
    const relay = await flakyRelay(Number.POSITIVE_INFINITY);
    const connection = createClient({ baseURL: relay.url }).jobs.connect();
    try {
      const failure = await connection.connected().catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(SocketError);
      expect((failure as SocketError).code).toBe('connect_error');
      expect(relay.cutSoFar()).toBeGreaterThanOrEqual(3);
    } finally {
      connection.close();
      relay.close();
    }
  });
});
