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
  startMailCatcher,
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
const devSmtpUrl = 'smtp://localhost:1025';
const devMailDirectory = 'storage/mail';

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

/** The port of a local `smtp://` URL, or undefined for a remote SMTP server (dev then sends real mail through it). */
function localSmtpPort(smtpUrl: string | undefined): number | undefined {
  if (smtpUrl === undefined) return undefined;
  const url = new URL(smtpUrl);
  if (!['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)) return undefined;
  return Number(url.port || (url.protocol === 'smtps:' ? 465 : 25));
}

/** The local mail catcher on `port`, unless an SMTP server already answers there (a MailHog, a Mailpit: used as is). */
async function mailCatcher(port: number): Promise<LocalService | undefined> {
  if (await portAnswers(port)) {
    console.log(`Mail: using the SMTP server already on localhost:${port}`);
    return undefined;
  }
  let catcher: Awaited<ReturnType<typeof startMailCatcher>>;
  try {
    catcher = await startMailCatcher({
      port,
      directory: devMailDirectory,
      onMail: (mail) =>
        console.log(
          `Mail to ${mail.to.join(', ')}: "${mail.subject}" → ${mail.file}${mail.link ? `\n  ${mail.link}` : ''}`,
        ),
    });
  } catch (error) {
    // Another process took the port since it was probed: its SMTP server will do.
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    console.log(`Mail: using the SMTP server already on localhost:${port}`);
    return undefined;
  }
  console.log(`Mail catcher: every mail is saved to ${catcher.directory}/ (one .eml file each) and shown here.`);
  return catcher;
}

/** `node-jobs dev`: the API plus local DynamoDB, Redis, S3 and a mail catcher; Ctrl-C stops all of it. */
export function registerDev(program: Command): void {
  const dev = program
    .command('dev')
    .description('run the API with a local DynamoDB, Redis, S3 and mail catcher started for it (Ctrl-C stops all)');
  addConfigOptions(dev, {
    app_key: `a development key kept in ${devKeyFile}`,
    metrics: 'on',
    dynamodb_endpoint: `DynamoDB Local on ${preferredPorts.dynamodb}, or a free port`,
    s3_endpoint: `s3rver on ${preferredPorts.s3}, or a free port`,
  })
    .addHelpText(
      'after',
      '\nDynamoDB Local listens on 8100 and s3rver on 4569, or on a free port when those are taken (--dynamodb_endpoint and --s3_endpoint choose); Redis on --redis_port (6379), or dev uses the Redis already there.\nDynamoDB Local keeps its data under storage/dynamodb, Redis under storage/redis (append-only file), s3rver under storage/s3; the mail catcher (smtp://localhost:1025) writes every mail to storage/mail.\nWhile dev runs, storage/dev/endpoints.json tells the account commands (user-delete, …) where its services are.\nEvery option is a configuration key (see README: Configuration); the environment and config/secrets.json set them too.',
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
          // dev always has mail: its own catcher unless smtp_url names another server.
          smtp_url: configured.smtp_url ?? devSmtpUrl,
          mail_from: configured.mail_from ?? 'node-jobs <no-reply@localhost>',
        };
        const smtpPort = localSmtpPort(config.smtp_url);
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
          ...(smtpPort === undefined ? [] : [mailCatcher(smtpPort)]),
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
