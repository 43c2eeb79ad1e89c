import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../devtools/localStack';
import { serveEnvironment, startServeProcess, type ServeProcess } from '../harness/serveProcess';

let directory: string;
let service: ServeProcess;
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'node-jobs-sticky-'));
  service = await startServeProcess(await freePort(), serveEnvironment(directory), ['--workers', '2'], 240_000);
});
afterAll(async () => {
  await service?.stop('SIGKILL');
  await rm(directory, { recursive: true, force: true });
});

/** What became of one step of a session: its status, or how the request failed. */
const outcome = async (request: Promise<Response>) =>
  request.then(
    async (response) => ({ status: response.status, body: await response.text() }),
    (error: Error) => ({ status: -1, body: error.cause instanceof Error ? error.cause.message : error.message }),
  );

/**
 * An engine.io handshake over long-polling, then at once the session's first POST (socket.io's
 * CONNECT, anonymous): answered "ok" by the worker that holds the session, 400 by the other. A POST
 * has a body, so the primary keeps its connection and relays it to the worker.
 */
async function openSession(): Promise<string> {
  const handshake = await outcome(fetch(`${service.url}/random-jobs/?EIO=4&transport=polling`));
  if (handshake.status !== 200) return `handshake: ${handshake.status} ${handshake.body}`;
  const sid = (JSON.parse(handshake.body.slice(1)) as { sid: string }).sid;
  const connect = await outcome(
    fetch(`${service.url}/random-jobs/?EIO=4&transport=polling&sid=${sid}`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain;charset=UTF-8' },
      body: '40',
    }),
  );
  return connect.status === 200 ? 'ok' : `first POST: ${connect.status} ${connect.body}`;
}

describe('serve --workers 2, sticky sessions', () => {
  it(
    'sends the request after each long-polling handshake to the worker of its session, and keeps answering one address after 1,000 sessions (POSTs relayed by the primary)',
    { timeout: 180_000 },
    async () => {
      const failures = new Map<string, number>();
      // 100 at once, well below max_connections_per_ip (256 per process): none may be refused.
      for (let round = 0; round < 10; round++)
        for (const result of await Promise.all(Array.from({ length: 100 }, () => openSession())))
          if (result !== 'ok') failures.set(result, (failures.get(result) ?? 0) + 1);
      expect(Object.fromEntries(failures)).toEqual({});
    },
  );
});
