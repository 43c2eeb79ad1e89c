import { mkdtemp, readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { describe, expect, it, vi } from 'vitest';
import { createRequestLog, type RequestLog } from '../../libraries/fileLogger';
import { assignRequestId } from '../../http/requestId';
import { logRequests } from '../../http/requestLog';

/** An Express app behind the request log, listening on a free port: its URL and a stop that frees it. */
async function logged(log: RequestLog, route: string, handler: express.RequestHandler) {
  const app = express();
  app.use(assignRequestId, logRequests(log));
  app.get(route, handler);
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    server,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('the request log', () => {
  it('writes one line per request with method, URL without secrets, status and duration, creating its folders', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'request-log-'));
    const file = join(dir, 'nested', 'logs', 'requests.log');
    const log = createRequestLog(file);
    let elapsedMs: number;
    const { url, stop } = await logged(log, '/teapot', (_req, res) => void res.status(418).send('short and stout'));
    const began = performance.now();
    try {
      await (await fetch(`${url}/teapot?token=abc.def&q=1&PASSWORD=hunter2`)).text();
      await (await fetch(`${url}/missing`)).text();
    } finally {
      elapsedMs = performance.now() - began;
      await stop();
    }
    await log.close();
    const lines = (await readFile(file, 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(2);
    const line = /^(\S+) (\S+) (\S+) (\d+) (\d+\.\d)ms$/;
    expect(lines.map((text) => line.exec(text)?.slice(2, 5))).toEqual([
      ['GET', '/teapot?token=***&q=1&PASSWORD=***', '418'],
      ['GET', '/missing', '404'],
    ]);
    expect(new Date(line.exec(lines[0]!)![1]!).toISOString()).toBe(line.exec(lines[0]!)![1]);
    // Milliseconds, measured from the request's start: no longer than the test waited for both.
    for (const text of lines) expect(Number(line.exec(text)![5])).toBeLessThanOrEqual(elapsedMs + 1);
  });

  it('writes the line of a finished request within about 100 ms, before the log is closed', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'request-log-')), 'requests.log');
    const log = createRequestLog(file);
    const { url, stop } = await logged(log, '/now', (_req, res) => void res.send('ok'));
    try {
      await (await fetch(`${url}/now`)).text();
      const answered = performance.now();
      let text = '';
      while (!text.includes('GET /now 200') && performance.now() - answered < 5000) {
        await new Promise((resolve) => setTimeout(resolve, 10));
        text = await readFile(file, 'utf8').catch(() => '');
      }
      expect(text).toMatch(/ GET \/now 200 \d+\.\dms\n$/);
    } finally {
      await stop();
      await log.close();
    }
    // Closing again changes nothing.
    await log.close();
  });

  it('keeps answering when its file cannot be written, and says so once', async () => {
    // A folder where the file should be: opening it for appending fails.
    const folder = await mkdtemp(join(tmpdir(), 'request-log-'));
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const log = createRequestLog(folder);
    const { url, stop } = await logged(log, '/still', (_req, res) => void res.send('here'));
    try {
      for (let i = 0; i < 3; i++) expect(await (await fetch(`${url}/still`)).text()).toBe('here');
      const asked = performance.now();
      while (errors.mock.calls.length === 0 && performance.now() - asked < 5000)
        await new Promise((resolve) => setTimeout(resolve, 10));
      // Past the next flush: a failed log writes nothing more and says nothing more.
      await new Promise((resolve) => setTimeout(resolve, 250));
      expect(errors.mock.calls.map(([message]) => String(message))).toEqual([
        expect.stringMatching(/^node-jobs: the request log .+ cannot be written: EISDIR/),
      ]);
    } finally {
      errors.mockRestore();
      await stop();
      await log.close();
    }
  });

  it('marks a request whose client went away before the answer as aborted', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'request-log-'));
    const file = join(dir, 'requests.log');
    const log = createRequestLog(file);
    let closed!: () => void;
    const done = new Promise<void>((resolve) => (closed = resolve));
    const { server, url, stop } = await logged(log, '/slow', (_req, res) => {
      res.once('close', () => closed());
      res.status(202);
    });
    const controller = new AbortController();
    const request = fetch(`${url}/slow`, { signal: controller.signal }).catch(() => undefined);
    try {
      // Abort once the server has the request (its handler set 202 and waits).
      await new Promise<void>((resolve) => server.once('request', () => setImmediate(resolve)));
      controller.abort();
      await request;
      await done;
    } finally {
      await stop();
    }
    await log.close();
    expect((await readFile(file, 'utf8')).trim()).toMatch(/ GET \/slow 202 \(aborted\) \d+\.\dms$/);
  });
});
