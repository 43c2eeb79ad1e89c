import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomJobsPath } from '../../client/types';
import { freePort, waitUntil } from '../../devtools/localStack';
import { exited, runCli, spawnCli, isolatedCliEnv } from '../harness/cli';
import { testAppKey } from '../harness/testServer';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const isoTime = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/** The complete lines a stream has written so far (the last, unfinished one is left out until its newline). */
function collectLines(stream: Readable): string[] {
  const lines: string[] = [];
  let rest = '';
  stream.on('data', (chunk: Buffer) => {
    const parts = (rest + chunk.toString()).split('\n');
    rest = parts.pop()!;
    lines.push(...parts);
  });
  return lines;
}

let cwd: string;
let child: ChildProcessWithoutNullStreams;
let stdout: string[];
let stderr: string[];
let url: string;

/** The request-log line whose `requestId` is `id`, once it has been written. */
async function logLineOf(id: string): Promise<Record<string, unknown>> {
  let found: Record<string, unknown> | undefined;
  await waitUntil(
    async () => {
      found = stdout.map((line) => JSON.parse(line) as Record<string, unknown>).find((line) => line.requestId === id);
      return found !== undefined;
    },
    10_000,
    `the request-log line of ${id} on stdout`,
  );
  return found!;
}

beforeAll(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'node-jobs-logs-'));
  child = spawnCli(['serve', '-p', String(await freePort()), '--host', '127.0.0.1', '--log_file', '-'], {
    cwd,
    env: {
      ...isolatedCliEnv(),
      JOBS_PROVIDER: 'sample',
      BCRYPT_ROUNDS: '4',
    },
  });
  stdout = collectLines(child.stdout);
  stderr = collectLines(child.stderr);
  await waitUntil(
    async () => {
      if (child.exitCode !== null) throw new Error(`serve exited with ${child.exitCode}:\n${stderr.join('\n')}`);
      const announced = stderr.map((line) => /node-jobs API: (http:\/\/[^\s/"]+)/.exec(line)?.[1]).find(Boolean);
      if (announced) url = announced;
      return announced !== undefined;
    },
    180_000,
    'serve to announce its address on stderr',
  );
}, 200_000);

afterAll(async () => {
  if (child.exitCode === null) child.kill('SIGKILL');
  await rm(cwd, { recursive: true, force: true });
});

describe('log_file "-": logs for a container', () => {
  it('writes one JSON line per request on stdout: time, method, url without its query string, status, ms and requestId', async () => {
    const answers = [
      await fetch(`${url}/?location=Berlin&full_time=true`),
      await fetch(`${url}/no/such/route?token=secret-token&password=hunter2`),
      await fetch(`${url}/sessions`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: '{"email":',
      }),
    ];
    for (const answer of answers) await answer.arrayBuffer();
    const lines = await Promise.all(answers.map((answer) => logLineOf(answer.headers.get('x-request-id')!)));
    for (const line of lines) {
      expect(Object.keys(line).sort()).toEqual(['method', 'ms', 'requestId', 'status', 'time', 'url']);
      expect(line.time).toMatch(isoTime);
      expect(typeof line.ms).toBe('number');
      expect(line.ms).toBeGreaterThanOrEqual(0);
    }
    expect(lines.map(({ method, url: path, status }) => [method, path, status])).toEqual([
      ['GET', '/', 200],
      ['GET', '/no/such/route', 404],
      ['POST', '/sessions', 400],
    ]);
    // Nothing but those JSON lines on stdout: no secrets of the query string, no banner.
    for (const line of stdout) expect(() => JSON.parse(line) as unknown).not.toThrow();
    expect(stdout.join('\n')).not.toMatch(/secret-token|hunter2/);
  });

  it('answers with the incoming X-Request-Id when it is a safe token, and logs it', async () => {
    const id = 'req-42_Abc.def:7';
    const answer = await fetch(`${url}/healthz`, { headers: { 'X-Request-Id': id } });
    await answer.arrayBuffer();
    expect(answer.headers.get('x-request-id')).toBe(id);
    expect((await logLineOf(id)).url).toBe('/healthz');
  });

  it.each([
    ['too long', 'a'.repeat(129)],
    ['with a space', 'two words'],
    ['with a control character', 'tab\there'],
    ['not ASCII', 'caf\u00e9'],
    ['with a quote', 'a"b'],
  ])('replaces an incoming X-Request-Id %s by a fresh uuid, in the answer and the log alike', async (_what, unsafe) => {
    const answer = await fetch(`${url}/healthz`, { headers: { 'X-Request-Id': unsafe } });
    await answer.arrayBuffer();
    const id = answer.headers.get('x-request-id')!;
    expect(id).toMatch(uuid);
    expect((await logLineOf(id)).url).toBe('/healthz');
  });

  it('gives every request a different id when none comes with it', async () => {
    const ids = await Promise.all(
      Array.from({ length: 5 }, async () => {
        const answer = await fetch(`${url}/healthz`);
        await answer.arrayBuffer();
        return answer.headers.get('x-request-id');
      }),
    );
    for (const id of ids) expect(id).toMatch(uuid);
    expect(new Set(ids).size).toBe(5);
  });

  it('puts X-Request-Id on socket.io long-polling answers too', async () => {
    const answer = await fetch(`${url}${randomJobsPath}/?EIO=4&transport=polling`, {
      headers: { 'X-Request-Id': 'poll-1' },
    });
    await answer.arrayBuffer();
    expect(answer.headers.get('x-request-id')).toBe('poll-1');
    const fresh = await fetch(`${url}${randomJobsPath}/?EIO=4&transport=polling`);
    await fresh.arrayBuffer();
    expect(fresh.headers.get('x-request-id')).toMatch(uuid);
  });

  it('writes the application messages on stderr as JSON lines with time, level and msg, shutdown included', async () => {
    child.kill('SIGTERM');
    expect((await exited(child)).code).toBe(0);
    const messages = stderr.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(messages.length).toBeGreaterThanOrEqual(2);
    for (const message of messages) {
      expect(message).toMatchObject({ time: expect.stringMatching(isoTime), level: expect.any(String) });
      expect(typeof message.msg).toBe('string');
    }
    expect(messages.map((message) => message.msg)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^node-jobs API: http/), expect.stringMatching(/SIGTERM/)]),
    );
    // The request log is complete on exit: every line is JSON, the last one included.
    for (const line of stdout) expect(() => JSON.parse(line) as unknown).not.toThrow();
  });

  it('reports a start-up that fails as a JSON line on stderr, and nothing on stdout', async () => {
    const result = await runCli(['serve', '--port', '0', '--log_file', '-'], {
      cwd,
      env: { APP_KEY: testAppKey, REDIS_PORT: String(await freePort()) },
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trim().split('\n');
    const messages = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(messages.at(-1)).toMatchObject({ level: 'error', msg: expect.stringMatching(/^node-jobs: .*Redis/i) });
  }, 60_000);
});
