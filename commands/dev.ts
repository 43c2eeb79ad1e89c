import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Command } from 'commander';
import { addConfigOptions, configValuesOf } from '../config/options';
import { createServer, loadConfig, type NodeJobsServer } from '../index';
import {
  freePort,
  portAnswers,
  startDynamoDbLocal,
  startRedisServer,
  startS3rver,
  type LocalService,
} from '../devtools/localStack';
import { chooseDevRedis } from './support/devRedis';
import { devServicesFile, writeDevServices } from './support/devServices';
import {
  announce,
  fail,
  onShutdownSignal,
  reportUnhandledRejections,
  stopOnUncaughtException,
} from './support/lifecycle';

const devKeyFile = 'storage/dev/app_key';
/** The ports dev's DynamoDB Local and S3 take when they are free and no endpoint is configured. */
const preferredPorts = { dynamodb: 8100, s3: 4569 } as const;

/** A development `app_key` kept under `storage/`, so tokens survive restarts of `dev`. */
async function developmentAppKey(): Promise<string> {
  try {
    const key = (await readFile(devKeyFile, 'utf8')).trim();
    if (key.length >= 32) return key;
  } catch {
    // No key yet: make one below.
  }
  const key = randomBytes(32).toString('hex');
  await mkdir(dirname(devKeyFile), { recursive: true });
  await writeFile(devKeyFile, key, { mode: 0o600 });
  return key;
}

/** `preferred` when nothing listens there, else any free port (and says so). */
async function servicePort(name: string, preferred: number): Promise<number> {
  if (!(await portAnswers(preferred))) return preferred;
  const port = await freePort();
  console.log(`${name}: port ${preferred} is taken; using ${port}.`);
  return port;
}

/** The configured endpoint of a local service, or one on a port dev picks for it. */
async function localEndpoint(configured: string | undefined, name: string, preferred: number): Promise<string> {
  return configured ?? `http://localhost:${await servicePort(name, preferred)}`;
}

/** The port of a local `http://host:port` endpoint. */
function localPort(endpoint: string, key: string): number {
  const url = new URL(endpoint);
  if (!['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)) {
    throw new Error(`${key} must point at this machine for dev (got ${endpoint}); use "serve" for remote services.`);
  }
  return Number(url.port || (url.protocol === 'https:' ? 443 : 80));
}

/** `node-jobs dev`: the API plus local DynamoDB, Redis and S3; Ctrl-C stops all of it. */
export function registerDev(program: Command): void {
  const dev = program
    .command('dev')
    .description('run the API with a local DynamoDB, Redis and S3 started for it (Ctrl-C stops all)');
  addConfigOptions(dev, {
    app_key: `a development key kept in ${devKeyFile}`,
    metrics: 'on',
    dynamodb_endpoint: `DynamoDB Local on ${preferredPorts.dynamodb}, or a free port`,
    s3_endpoint: `s3rver on ${preferredPorts.s3}, or a free port`,
  })
    .addHelpText(
      'after',
      '\nDynamoDB Local listens on 8100 and s3rver on 4569, or on a free port when those are taken (--dynamodb_endpoint and --s3_endpoint choose); Redis on --redis_port (6379), or dev uses the Redis already there.\nDynamoDB Local keeps its data under storage/dynamodb, Redis under storage/redis (append-only file), s3rver under storage/s3.\nWhile dev runs, storage/dev/endpoints.json tells the account commands (user-delete, …) where its services are.\nEvery option is a configuration key (see README: Configuration); the environment and config/secrets.json set them too.',
    )
    .action(async (options: Record<string, unknown>) => {
      const started: LocalService[] = [];
      let server: NodeJobsServer | undefined;
      const stopAll = async () => {
        await server?.close();
        await Promise.allSettled(started.map((service) => service.stop()));
      };
      onShutdownSignal(stopAll);
      reportUnhandledRejections();
      stopOnUncaughtException(stopAll);
      try {
        const configured = loadConfig({
          argValues: configValuesOf(options),
          fallbacks: { app_key: await developmentAppKey(), metrics: 'on' },
        });
        const redis = await chooseDevRedis(configured, portAnswers);
        // The server's own defaults are AWS: dev passes the endpoints of the services it starts.
        const config = {
          ...configured,
          dynamodb_endpoint: await localEndpoint(
            configured.dynamodb_endpoint,
            'DynamoDB Local',
            preferredPorts.dynamodb,
          ),
          s3_endpoint: await localEndpoint(configured.s3_endpoint, 's3rver', preferredPorts.s3),
          redis_port: redis.port,
        };
        const dynamoPort = localPort(config.dynamodb_endpoint, 'dynamodb_endpoint');
        const s3Port = localPort(config.s3_endpoint, 's3_endpoint');

        const pending: Promise<LocalService | undefined>[] = [
          startDynamoDbLocal({ port: dynamoPort, dbPath: 'storage/dynamodb' }),
          // Logouts must survive a restart of Redis: its data stays on disk, as in production.
          redis.start
            ? startRedisServer({
                port: redis.port,
                password: config.redis_password,
                dataDirectory: redis.dataDirectory,
              })
            : Promise.resolve(undefined),
          startS3rver({ port: s3Port, directory: 'storage/s3' }),
        ];
        const results = await Promise.allSettled(pending);
        for (const result of results) if (result.status === 'fulfilled' && result.value) started.push(result.value);
        const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
        if (failure) throw failure.reason;
        for (const service of started) console.log(`${service.name}: ${service.url}`);
        await writeDevServices(config);
        console.log(`The CLI's account commands reach these services through ${devServicesFile} while dev runs.`);

        server = await createServer(config);
        announce(server);
      } catch (error) {
        await stopAll();
        fail(error);
      }
    });
}
