import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import IORedis, { type RedisOptions } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../config/schema';
import { freePort, startRedisServer, type LocalService, type RedisTlsFiles } from '../../devtools/localStack';
import { createServer } from '../../index';
import { createAppLogger } from '../../libraries/appLogger';
import { Redis } from '../../libraries/redis';
import { sessionKey } from '../../libraries/sessionRecords';
import { cliSettings, runCli } from '../harness/cli';
import { startTestServer, testAppKey, testConfigValues, type TestServer } from '../harness/testServer';
import { signUp } from '../harness/users';

const openssl = (args: string[], cwd: string) => promisify(execFile)('openssl', args, { cwd });

/** The openssl arguments of a new P-256 key (fast to make, unlike RSA). */
const newKey = (keyFile: string) => [
  '-newkey',
  'ec',
  '-pkeyopt',
  'ec_paramgen_curve:prime256v1',
  '-nodes',
  '-keyout',
  keyFile,
];

/** Makes an authority (CA) with openssl: its certificate and key, valid for a day. */
async function makeAuthority(directory: string, name: string): Promise<{ certFile: string; keyFile: string }> {
  const certFile = join(directory, `${name}.crt`);
  const keyFile = join(directory, `${name}.key`);
  await openssl(
    [
      ...['req', '-x509', ...newKey(keyFile), '-out', certFile, '-days', '1', '-subj', `/CN=node-jobs test ${name}`],
      ...['-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'],
    ],
    directory,
  );
  return { certFile, keyFile };
}

/** A CA, a server certificate for localhost and 127.0.0.1 signed by it, and an unrelated CA. */
async function makeCertificates(directory: string): Promise<RedisTlsFiles & { otherCaFile: string }> {
  const [ca, other] = await Promise.all([makeAuthority(directory, 'ca'), makeAuthority(directory, 'other-ca')]);
  const extensions = join(directory, 'server.ext');
  await writeFile(
    extensions,
    'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=critical,CA:FALSE\nextendedKeyUsage=serverAuth\n',
  );
  const [certFile, keyFile, request] = ['server.crt', 'server.key', 'server.csr'].map((name) => join(directory, name));
  await openssl(['req', ...newKey(keyFile!), '-out', request!, '-subj', '/CN=localhost'], directory);
  await openssl(
    [
      ...['x509', '-req', '-in', request!, '-CA', ca.certFile, '-CAkey', ca.keyFile, '-CAcreateserial'],
      ...['-out', certFile!, '-days', '1', '-extfile', extensions],
    ],
    directory,
  );
  return { certFile: certFile!, keyFile: keyFile!, caFile: ca.certFile, otherCaFile: other.certFile };
}

/** The token's id (`jti`), read from its payload. */
const sidOf = (token: string) =>
  (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { sid: string }).sid;

/** Runs `check` with a raw client of a test Redis, then closes it. */
async function withRedis<T>(options: RedisOptions, check: (redis: IORedis) => Promise<T>): Promise<T> {
  const redis = new IORedis({ host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 1, ...options });
  try {
    await redis.connect();
    return await check(redis);
  } finally {
    redis.disconnect();
  }
}

/** Registers, logs in and logs out through the SDK (the token is refused after), logs in again; returns the live token. */
async function registerLoginLogout(server: TestServer): Promise<string> {
  const client = server.client();
  const { token, credentials } = await signUp(client);
  expect((await client.sessions.current()).email).toBeDefined();
  await client.sessions.logout();
  const stale = server.client();
  stale.storage.set(token);
  await expect(stale.sessions.current()).rejects.toMatchObject({ status: 403 });
  // The session of a second login stays, for the checks of where it is stored.
  return (await server.client().sessions.login({ email: credentials.email, password: credentials.password })).token;
}

let directory: string;
let certificates: Awaited<ReturnType<typeof makeCertificates>>;
let tlsRedis: LocalService;
let plainRedis: LocalService;
const adminPassword = 'redis-admin-password';

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'node-jobs-redis-tls-'));
  certificates = await makeCertificates(directory);
  const users = [
    ...['--user', 'alice', 'on', '>pw', '~*', '&*', '+@all'],
    ...['--user', 'bob', 'on', '>p@ss/w%rd', '~*', '&*', '+@all'],
  ];
  [tlsRedis, plainRedis] = await Promise.all([
    freePort().then((port) =>
      startRedisServer({ port, tls: certificates, password: adminPassword, args: users.slice(0, 7) }),
    ),
    freePort().then((port) => startRedisServer({ port, password: adminPassword, args: users.slice(7) })),
  ]);
});
afterAll(async () => {
  await Promise.allSettled([tlsRedis, plainRedis].map((redis) => redis?.stop()));
  await rm(directory, { recursive: true, force: true });
});

/** Starts a server with these settings and returns why it could not start (undefined when it could). */
async function startUpFailure(overrides: Record<string, unknown>): Promise<string | undefined> {
  const config = parseConfig(testConfigValues(directory, overrides), 'test');
  try {
    const server = await createServer(config, { logger: createAppLogger(true) });
    await server.close(1000);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

describe('Redis over TLS (redis_url rediss://, redis_tls_ca)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      redis_url: `rediss://alice:pw@127.0.0.1:${tlsRedis.port}/3`,
      redis_tls_ca: certificates.caFile,
      // The socket.io adapter's pub/sub connections must follow the same settings.
      socket_adapter: 'redis',
    });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('registers, logs in and logs out, and the sessions are kept in database 3 of the TLS server', async () => {
    const token = await registerLoginLogout(server);
    const key = `${server.config.redis_key_prefix}${sessionKey(sidOf(token))}`;
    const tls = { ca: await readFile(certificates.caFile) };
    await withRedis({ port: tlsRedis.port, username: 'alice', password: 'pw', tls, db: 3 }, async (redis) => {
      expect(await redis.exists(key)).toBe(1);
      expect(await redis.select(0)).toBe('OK');
      expect(await redis.exists(key)).toBe(0);
    });
  });

  it('makes every connection of the server as alice over TLS to database 3 (pub/sub and the socket adapter too)', async () => {
    const tls = { ca: await readFile(certificates.caFile) };
    const clients = await withRedis(
      { port: tlsRedis.port, password: adminPassword, tls },
      async (redis) => (await redis.client('LIST')) as string,
    );
    const ofAlice = clients.split('\n').filter((line) => / user=alice /.test(line));
    // The main client, the account events' subscriber, the adapter's publisher and subscriber.
    expect(ofAlice.length).toBeGreaterThanOrEqual(4);
    for (const line of ofAlice) expect(line).toMatch(/ db=3 /);
  });

  it('lets the CLI reach the same Redis through the same settings: user-logout refuses the tokens the server issued', async () => {
    const client = server.client();
    const { credentials } = await signUp(client);
    const result = await runCli(['user-logout', '-u', credentials.email], {
      env: {
        ...cliSettings(server),
        // By name this time: the certificate holds localhost too.
        REDIS_URL: `rediss://alice:pw@localhost:${tlsRedis.port}/3`,
        REDIS_TLS_CA: certificates.caFile,
      },
    });
    expect(result.code, result.stderr).toBe(0);
    await expect(client.sessions.current()).rejects.toMatchObject({ status: 403 });
  });
});

describe('Redis TLS failures at start-up', () => {
  const url = () => `rediss://alice:pw@127.0.0.1:${tlsRedis.port}/3`;

  it('stops start-up, saying to set redis_tls_ca, when the server certificate is signed by another authority', async () => {
    const message = await startUpFailure({ redis_url: url(), redis_tls_ca: certificates.otherCaFile });
    expect(message).toMatch(
      new RegExp(
        `^Redis at rediss://127\\.0\\.0\\.1:${tlsRedis.port} presents a TLS certificate that is not trusted \\(.+\\): set redis_tls_ca`,
      ),
    );
  });

  it("stops start-up the same way when no redis_tls_ca is set and Node's authorities do not know the server's", async () => {
    expect(await startUpFailure({ redis_url: url() })).toMatch(/TLS certificate that is not trusted.*redis_tls_ca/);
  });

  it('leaves no error unhandled when a connection is closed while its TLS handshake fails (50 times)', async () => {
    // Closing mid-handshake makes the server answer with an alert after the certificate check has
    // failed: a second error on the same socket, which ioredis' own once-only listeners leave
    // unhandled (redis/ioredis#961), and which would end the process.
    const unhandled: unknown[] = [];
    const record = (error: unknown) => unhandled.push(error);
    process.on('uncaughtException', record);
    try {
      const ca = await readFile(certificates.otherCaFile, 'utf8');
      for (let attempt = 0; attempt < 50; attempt++) {
        const redis = new Redis({ host: '127.0.0.1', port: tlsRedis.port, tls: { ca }, keyPrefix: 'x:' });
        const connecting = redis.connect().catch((error: unknown) => error);
        await new Promise(setImmediate);
        await redis.quit();
        expect(await connecting).toBeInstanceOf(Error);
      }
      // The servers' alerts arrive after the sockets closed.
      await new Promise((resolve) => setTimeout(resolve, 200));
    } finally {
      process.off('uncaughtException', record);
    }
    expect(unhandled).toEqual([]);
  });

  it('stops `serve` with one line naming redis_tls_ca and the path when the file cannot be read', async () => {
    const missing = join(directory, 'no-such-ca.pem');
    const result = await runCli(['serve', '--port', '0'], {
      env: { APP_KEY: testAppKey, REDIS_URL: url(), REDIS_TLS_CA: missing },
    });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      `node-jobs: Configuration "redis_tls_ca": cannot read ${missing} (ENOENT); give the path of a PEM file of the authority that signed the Redis server's certificate.`,
    ]);
  });

  it('refuses a redis_tls_ca file that holds no PEM certificate, naming the key and the path', async () => {
    const notPem = join(directory, 'server.ext');
    expect(await startUpFailure({ redis_url: url(), redis_tls_ca: notPem })).toMatch(
      new RegExp(`^Configuration "redis_tls_ca": ${notPem.replaceAll('.', '\\.')} holds no PEM certificate`),
    );
  });
});

describe('Redis without TLS through redis_url', () => {
  it('registers, logs in and logs out with redis://user:password@host:port/db, a %-encoded password included', async () => {
    const server = await startTestServer({ redis_url: `redis://bob:p%40ss%2Fw%25rd@127.0.0.1:${plainRedis.port}/5` });
    try {
      const token = await registerLoginLogout(server);
      const key = `${server.config.redis_key_prefix}${sessionKey(sidOf(token))}`;
      await withRedis({ port: plainRedis.port, username: 'bob', password: 'p@ss/w%rd', db: 5 }, async (redis) =>
        expect(await redis.exists(key)).toBe(1),
      );
    } finally {
      await server.stop();
    }
  });

  it('stops start-up saying what to change when the password is wrong or the database does not exist', async () => {
    expect(await startUpFailure({ redis_url: `redis://bob:wrong@127.0.0.1:${plainRedis.port}/5` })).toMatch(
      /refused the login \(WRONGPASS.*\): check the user name and password of redis_url/,
    );
    expect(await startUpFailure({ redis_url: `redis://bob:p%40ss%2Fw%25rd@127.0.0.1:${plainRedis.port}/99` })).toMatch(
      /has no database 99 \(.*\): change the database number of redis_url/,
    );
  });

  it('stops start-up, not hangs, when a rediss:// URL points at a plain Redis', async () => {
    const started = Date.now();
    expect(await startUpFailure({ redis_url: `rediss://bob:x@127.0.0.1:${plainRedis.port}/0` })).toMatch(
      new RegExp(`^Redis is not reachable at rediss://127\\.0\\.0\\.1:${plainRedis.port}: `),
    );
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});
