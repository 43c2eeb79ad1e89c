import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import { randomJobsPath, SocketError } from '../../client';
import { startTestServer, type TestServer } from '../harness/testServer';
import { startUpstream } from '../harness/upstream';

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

describe('socket_rate_limit over every event a socket sends', () => {
  it(
    'disconnects a socket flooding unknown events after 10 s, as one flooding jobRequest (fake clock: Date only)',
    { timeout: 60_000 },
    async () => {
      // Only Date is fake, in this process, which runs the server: the limiter's clock moves when the test says.
      vi.useFakeTimers({ toFake: ['Date'] });
      const floods = ['jobRequest', 'noSuchEvent'] as const;
      const sockets = floods.map(() => rawSocket());
      const disconnectedAtStep = floods.map(() => -1);
      try {
        expect(await Promise.all(sockets.map(outcome))).toEqual(['connected', 'connected']);
        let step = 0;
        sockets.forEach((socket, i) =>
          socket.on('disconnect', (reason) => {
            if (reason === 'io server disconnect') disconnectedAtStep[i] = step;
          }),
        );
        // 20 events every half second of the limiter's clock (socket_rate_limit is 10 per second), then a
        // jobRequest with an ack: its answer proves the server has taken the 20 before it.
        for (; step < 30 && disconnectedAtStep.includes(-1); step += 1) {
          await Promise.all(
            sockets.map(async (socket, i) => {
              if (!socket.connected) return;
              for (let event = 0; event < 20; event += 1) socket.emit(floods[i]!, 'Atlantis');
              await socket
                .timeout(10_000)
                .emitWithAck('jobRequest', 'Atlantis')
                .catch(() => undefined);
            }),
          );
          vi.advanceTimersByTime(500);
        }
        console.log(
          `socket floods: disconnected at step ${disconnectedAtStep.join(' (jobRequest), ')} (unknown event) of 0.5 s each; -1 = never`,
        );
        expect(disconnectedAtStep[0]).toBeGreaterThanOrEqual(20);
        expect(disconnectedAtStep[1]).toBe(disconnectedAtStep[0]);
        // Refused over the limit, an unknown event with an ack is told so, like a known one.
        const fresh = rawSocket();
        try {
          expect(await outcome(fresh)).toBe('connected');
          for (let event = 0; event < 10; event += 1) fresh.emit('noSuchEvent');
          expect(await fresh.timeout(10_000).emitWithAck('noSuchEvent')).toEqual({ error: 'rate limited' });
        } finally {
          fresh.close();
        }
      } finally {
        vi.useRealTimers();
        for (const socket of sockets) socket.close();
      }
    },
  );
});

describe('cold searches asked through jobRequest', () => {
  it(
    'count against rate_limit_search per client address like HTTP ones: 100 sockets of one address asking 100 places cause at most the limit of upstream calls',
    { timeout: 120_000 },
    async () => {
      const upstream = await startUpstream();
      const limit = 5;
      const boarded = await startTestServer({
        jobs_provider: 'github',
        jobs_api_url: `${upstream.url}/github/positions.json`,
        rate_limit_search: limit,
        random_job_interval_ms: 3_600_000,
      });
      const connections = Array.from({ length: 100 }, () =>
        boarded.client().jobs.connect({ transports: ['websocket'] }),
      );
      try {
        await Promise.all(connections.map((connection) => connection.connected()));
        const before = upstream.requests.length;
        const answers = await Promise.all(
          connections.map((connection, i) =>
            connection.requestJob(`town-${i}`).then(
              () => 'answered',
              (error: unknown) => (error instanceof SocketError ? error.code : String(error)),
            ),
          ),
        );
        const calls = upstream.requests.length - before;
        console.log(
          `jobRequest cold searches: 100 sockets of one address, rate_limit_search ${limit}: ${calls} upstream calls, ${answers.filter((answer) => answer === 'rate_limited').length} refused`,
        );
        expect(calls).toBeLessThanOrEqual(limit);
        expect(answers.filter((answer) => answer === 'answered')).toHaveLength(limit);
        expect(answers.filter((answer) => answer === 'rate_limited')).toHaveLength(100 - limit);

        // The same counter as HTTP's: this address has spent its window.
        const http = await fetch(`${boarded.server.url}/?location=elsewhere`);
        expect(http.status).toBe(429);
        // A search the cache answers costs nothing upstream and is not limited.
        await expect(connections[0]!.requestJob('town-0')).resolves.toBeNull();
      } finally {
        for (const connection of connections) connection.close();
        await boarded.stop();
        await upstream.close();
      }
    },
  );
});
