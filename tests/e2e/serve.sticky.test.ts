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

/** An engine.io handshake over long-polling, then at once the first request of that session. */
async function openSession(): Promise<{ sid: string; status: number; body: string }> {
  const handshake = await fetch(`${service.url}/random-jobs/?EIO=4&transport=polling`);
  const text = await handshake.text();
  if (handshake.status !== 200) return { sid: '', status: handshake.status, body: `handshake: ${text}` };
  const sid = (JSON.parse(text.slice(1)) as { sid: string }).sid;
  // socket.io's CONNECT packet: answered at once ("ok"), or 400 by a worker that does not know the session.
  const first = await fetch(`${service.url}/random-jobs/?EIO=4&transport=polling&sid=${sid}`, {
    method: 'POST',
    headers: { 'Content-Type': 'text/plain;charset=UTF-8' },
    body: '40{"token":"not-a-token"}',
  });
  return { sid, status: first.status, body: await first.text() };
}

describe('serve --workers 2, sticky sessions', () => {
  it(
    'routes the request that follows a long-polling handshake to the worker that made it, even with 200 handshakes at once',
    { timeout: 120_000 },
    async () => {
      const sessions = await Promise.all(Array.from({ length: 200 }, () => openSession()));
      const refused = sessions.filter((session) => session.status !== 200);
      expect(refused.map((session) => `${session.status} ${session.body}`)).toEqual([]);
    },
  );
});
