import { mkdtemp, readFile, rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../client';
import { parseConfig } from '../../config/schema';
import { createServer, type NodeJobsServer } from '../../index';
import type { AppLogger } from '../../libraries/appLogger';
import { testConfigValues } from '../harness/testServer';
import { newUser } from '../harness/users';

let directory: string;
let server: NodeJobsServer;
const bodies: string[] = [];
const logLines: string[] = [];

/** Records every response body the server sends, whoever asked. */
function recordBodies(req: IncomingMessage, res: ServerResponse): void {
  void req;
  const chunks: Buffer[] = [];
  const write = res.write.bind(res) as (...args: unknown[]) => boolean;
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
  const keep = (chunk: unknown) => {
    if (typeof chunk === 'string' || chunk instanceof Uint8Array) chunks.push(Buffer.from(chunk));
  };
  res.write = ((...args: unknown[]) => (keep(args[0]), write(...args))) as typeof res.write;
  res.end = ((...args: unknown[]) => {
    if (typeof args[0] !== 'function') keep(args[0]);
    bodies.push(Buffer.concat(chunks).toString('utf8'));
    return end(...args);
  }) as typeof res.end;
}

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'node-jobs-leak-'));
  const logger: AppLogger = {
    info: (message) => logLines.push(message),
    warn: (message) => logLines.push(message),
    error: (message, error) =>
      logLines.push(`${message} ${error instanceof Error ? `${error.message} ${error.stack}` : String(error)}`),
  };
  server = await createServer(parseConfig(testConfigValues(directory), 'test'), { logger });
  server.httpServer.prependListener('request', recordBodies);
});
afterAll(async () => {
  // The test closes the server itself before reading the logs; this stops it when the test failed earlier
  // (close() is idempotent). `server` is unset when beforeAll failed.
  await server?.close(1000);
  await rm(directory, { recursive: true, force: true });
});

describe('passwords and their hashes', () => {
  it('appear in no response body and no log line, whatever the request', async () => {
    const alice = newUser({ password: 'alice-secret-password-1' });
    const bob = newUser({ password: 'bob-secret-password-22' });
    const client = createClient({ baseURL: server.url });
    const url = server.url;
    const json = (method: string, path: string, body: unknown, token?: string) =>
      fetch(url + path, {
        method,
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(body),
      });

    const created = await client.users.create(alice);
    await fetch(`${url}/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...bob }).toString(),
    });
    // Failures that mention the password field.
    await json('POST', '/users', { ...newUser(), password: alice.password.repeat(4) });
    await json('POST', '/users', { ...alice, username: 'taken!!' });
    await json('POST', '/users', { ...alice });
    await json('POST', '/users', { ...newUser(), password: alice.password, admin: alice.password });
    await json('POST', '/sessions', { email: alice.email, password: bob.password });
    await json('POST', '/sessions', { email: 'nobody@example.com', password: alice.password });
    await fetch(`${url}/users?password=${encodeURIComponent(alice.password)}`);
    await fetch(`${url}/sessions?password=${encodeURIComponent(alice.password)}&token=abc`);

    const { token } = await client.sessions.login({ email: alice.email, password: alice.password });
    await client.sessions.current();
    await client.users.list({ limit: 100 });
    await client.users.get(created.id);
    await json('PUT', `/users/${created.id}`, { password: bob.password }, token);
    await client.users.update(created.id, { username: newUser().username });
    await client.sessions.logout();

    const store = server.services.users;
    const hashes = await Promise.all([alice, bob].map(async (user) => (await store.getByEmail(user.email))!.password));
    for (const hash of hashes) expect(hash).toMatch(/^\$2[ab]\$/);
    await server.close(1000);

    const requestLog = await readFile(server.config.log_file, 'utf8');
    expect(requestLog.split('\n').filter(Boolean).length).toBeGreaterThanOrEqual(16);
    expect(bodies.length).toBeGreaterThanOrEqual(16);
    expect(bodies.some((body) => body.includes(token))).toBe(true);
    const everything = [...bodies, requestLog, ...logLines];
    for (const text of everything) {
      for (const secret of [alice.password, bob.password, ...hashes]) expect(text).not.toContain(secret);
      expect(text).not.toMatch(/\$2[aby]\$\d\d\$/);
    }
  });
});
