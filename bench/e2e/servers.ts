/**
 * One server per process for the end-to-end benchmark: node-jobs itself (`subject`) or a
 * baseline doing the same work by hand. Driven over IPC by bench/e2e/run.ts: `start` answers the
 * URL, `cpu` the process's CPU time, `memory` its memory, `stop` exits.
 */
import { createServer as createHttpServer } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { AddressInfo } from 'node:net';
import { createSecretKey } from 'node:crypto';
import bcrypt from 'bcrypt';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import express from 'express';
import Fastify from 'fastify';
import IORedis from 'ioredis';
import jwt from 'jsonwebtoken';
import { parseConfig } from '../../config/schema';
import { createServer } from '../../index';
import { createAppLogger } from '../../libraries/appLogger';
import { startProfile, stopProfile } from './profile';

export type ServerKind =
  | 'subject'
  | 'raw-bytes'
  | 'express-json'
  | 'express-bytes'
  | 'fastify-json'
  | 'express-small'
  | 'express-sessions'
  | 'bcrypt';

interface StartArgs {
  kind: ServerKind;
  values: Record<string, unknown>;
  /** The JSON the baselines serve (the cached search result). */
  body?: string;
}

type Message = { id: number; command: string; args?: unknown };

const send = (message: unknown) => process.send!(message);
let stop: () => Promise<void> = () => Promise.resolve();
let subject: Awaited<ReturnType<typeof createServer>> | undefined;

async function listenExpress(app: express.Express): Promise<string> {
  const server = createHttpServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  stop = () => new Promise((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** The authenticated request's work with each library at its best: KeyObject verify, one EXISTS, one consistent Query. */
function sessionsByHand(values: Record<string, unknown>): express.Express {
  const key = createSecretKey(Buffer.from(String(values.app_key), 'utf8'));
  const redis = new IORedis({
    host: '127.0.0.1',
    port: Number(values.redis_port),
    keyPrefix: String(values.redis_key_prefix),
  });
  const documents = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: String(values.dynamodb_endpoint),
      region: 'eu-central-1',
      credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    }),
  );
  const table = `${String(values.dynamodb_table_prefix)}users`;
  const app = express();
  app.get('/sessions', async (req, res) => {
    const token = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1];
    if (!token) return void res.status(401).json({ hasError: 1, error: 'no token' });
    let claims: jwt.JwtPayload;
    try {
      claims = jwt.verify(token, key, { algorithms: ['HS256'] }) as jwt.JwtPayload;
    } catch {
      return void res.status(403).json({ hasError: 1, error: 'bad token' });
    }
    if ((await redis.exists(`revoked:${String(claims.jti)}`)) === 1)
      return void res.status(403).json({ hasError: 1, error: 'revoked' });
    const found = await documents.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'id = :id',
        ExpressionAttributeValues: { ':id': claims.sub },
        ConsistentRead: true,
        Limit: 1,
      }),
    );
    const user = found.Items?.[0] as Record<string, unknown> | undefined;
    if (!user) return void res.status(404).json({ hasError: 1, error: 'no user' });
    res.json({
      data: {
        id: user.id,
        email: user.email,
        username: user.username,
        admin: user.admin === true,
        image: `https://bench/${String(user.id)}`,
      },
    });
  });
  const previousStop = stop;
  stop = async () => {
    await previousStop();
    redis.disconnect();
  };
  return app;
}

async function start({ kind, values, body = '[]' }: StartArgs): Promise<{ url: string; startMs?: number }> {
  const bytes = Buffer.from(body);
  const small = { status: 'ok', checks: { dynamodb: { ok: true }, redis: { ok: true } } };
  switch (kind) {
    case 'subject': {
      const started = performance.now();
      subject = await createServer(parseConfig(values, 'bench'), { logger: createAppLogger(true) });
      const server = subject;
      stop = () => server.close(1000);
      return { url: server.url, startMs: performance.now() - started };
    }
    case 'raw-bytes': {
      const server = createHttpServer((_req, res) =>
        res
          .writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': bytes.length })
          .end(bytes),
      );
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      stop = () => new Promise((resolve) => server.close(() => resolve()));
      return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
    }
    case 'express-json': {
      const parsed: unknown = JSON.parse(body);
      return { url: await listenExpress(express().get('/', (_req, res) => void res.json(parsed))) };
    }
    case 'express-bytes': {
      const etag = `"${bytes.length.toString(16)}"`;
      return {
        url: await listenExpress(
          express().get(
            '/',
            (_req, res) => void res.set({ 'Content-Type': 'application/json; charset=utf-8', ETag: etag }).send(bytes),
          ),
        ),
      };
    }
    case 'express-small':
      return { url: await listenExpress(express().get('/healthz', (_req, res) => void res.json(small))) };
    case 'fastify-json': {
      const parsed: unknown = JSON.parse(body);
      const app = Fastify();
      app.get('/', () => parsed);
      const url = await app.listen({ port: 0, host: '127.0.0.1' });
      stop = () => app.close();
      return { url };
    }
    case 'express-sessions':
      return { url: await listenExpress(sessionsByHand(values)) };
    case 'bcrypt':
      return { url: '' };
  }
}

/** bcrypt.compare of one hash, `concurrency` at a time for `ms`: compares per second (the thread pool the server uses). */
async function bcryptThroughput(args: {
  hash: string;
  password: string;
  concurrency: number;
  ms: number;
}): Promise<number> {
  let done = 0;
  const until = performance.now() + args.ms;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: args.concurrency }, async () => {
      while (performance.now() < until) {
        await bcrypt.compare(args.password, args.hash);
        done++;
      }
    }),
  );
  return done / ((performance.now() - started) / 1000);
}

function memory(): { heapUsed: number; rss: number } {
  (globalThis as { gc?: () => void }).gc?.();
  const { heapUsed, rss } = process.memoryUsage();
  return { heapUsed, rss };
}

/** The event-loop delay of this process (the subject's), sampled every 10 ms as prom-client does. */
const eventLoopDelay = monitorEventLoopDelay({ resolution: 10 });
eventLoopDelay.enable();

const commands: Record<string, (args: never) => unknown> = {
  start,
  /** The event-loop delay p99 since the previous call, in ms. */
  eventLoopP99Ms: () => {
    const p99 = eventLoopDelay.percentile(99) / 1e6;
    eventLoopDelay.reset();
    return p99;
  },
  cpu: () => {
    const { user, system } = process.cpuUsage();
    return { us: user + system, atUs: performance.now() * 1000 };
  },
  memory,
  bcrypt: bcryptThroughput,
  profileStart: startProfile,
  profileStop: ({ dir, name }: { dir: string; name: string }) => stopProfile(dir, name),
  stop: async () => {
    await stop();
    setImmediate(() => process.exit(0));
  },
};

process.on('message', (message: Message) => {
  Promise.resolve()
    .then(() => commands[message.command]!(message.args as never))
    .then(
      (result) => send({ id: message.id, result }),
      (error: unknown) => send({ id: message.id, error: error instanceof Error ? error.stack : String(error) }),
    );
});
send({ ready: true });
