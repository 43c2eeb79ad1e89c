import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import { randomJobsPath } from '../../client';
import { startTestServer, type TestServer } from '../harness/testServer';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ random_job_interval_ms: 3_600_000 });
});
afterAll(async () => {
  await server.stop();
});

/** A raw socket.io client (the SDK sends only well-formed handshakes and known events). */
function rawSocket(options: { auth?: Record<string, unknown>; query?: string } = {}): Socket {
  return io(`${server.server.url}${options.query ?? ''}`, {
    path: randomJobsPath,
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    ...(options.auth ? { auth: options.auth } : {}),
  });
}

/** Resolves with `connected`, or with the message of the refusal. */
function outcome(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    socket.once('connect', () => resolve('connected'));
    socket.once('connect_error', (error) => resolve(`refused: ${error.message}`));
  });
}

describe('socket handshakes with a token that is not a string', () => {
  it.each([
    ['a number in auth.token', { auth: { token: 12345 } }],
    ['an array in auth.token', { auth: { token: ['a', 'b'] } }],
    ['an object in auth.token', { auth: { token: { sub: 'admin' } } }],
    ['a boolean in auth.token', { auth: { token: true } }],
  ])('refuses %s with connect_error, never connecting it as anonymous', async (_what, options) => {
    const socket = rawSocket(options);
    try {
      expect(await outcome(socket)).toBe('refused: The token must be a string.');
      expect(server.server.randomJobs.counts().sockets).toBe(0);
    } finally {
      socket.close();
    }
  });

  it('refuses a repeated ?token= with connect_error, never connecting it as anonymous', async () => {
    const socket = rawSocket({ query: '?token=a&token=b' });
    try {
      expect(await outcome(socket)).toMatch(/^refused: The token (must be a string|is invalid)\.$/);
    } finally {
      socket.close();
    }
  });

  it('still connects a handshake without a token (none, null or empty) as anonymous', async () => {
    for (const options of [{}, { auth: { token: null } }, { auth: { token: '' } }, { query: '?token=' }]) {
      const socket = rawSocket(options);
      try {
        expect(await outcome(socket)).toBe('connected');
      } finally {
        socket.close();
      }
    }
  });
});
