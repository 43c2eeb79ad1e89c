// `npm run test:contract`: starts the local stack (DynamoDB Local, redis-server, s3rver) and the
// server on free ports, generates contract tests with portman from the live /openapi.json
// (tests/contract/portman-config.json: register and log in first), runs them with newman, and
// exits non-zero when any assertion fails.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseConfig } from '../config/schema';
import { freePort, startDynamoDbLocal, startRedisServer, startS3rver, type LocalService } from '../devtools/localStack';
import { createServer, type NodeJobsServer } from '../index';
import { createAppLogger } from '../libraries/appLogger';

const bin = (name: string) => resolve('node_modules', '.bin', name);

/** Runs a command in `cwd` with this process's output; resolves to its exit code. */
function run(command: string, args: string[], cwd: string): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { stdio: 'inherit', cwd });
    child.once('error', reject);
    child.once('exit', (code, signal) => resolvePromise(code ?? (signal ? 1 : 0)));
  });
}

/** The local stand-ins of the cloud services, on free ports. */
async function startStack(directory: string): Promise<LocalService[]> {
  const started = await Promise.allSettled([
    freePort().then((port) => startDynamoDbLocal({ port })),
    freePort().then((port) => startRedisServer({ port })),
    freePort().then((port) => startS3rver({ port, directory: join(directory, 's3') })),
  ]);
  const services = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failure = started.find((result) => result.status === 'rejected');
  if (failure) {
    await Promise.allSettled(services.map((service) => service.stop()));
    throw failure.reason;
  }
  return services;
}

async function startServer(directory: string, [dynamodb, redis, s3]: LocalService[]): Promise<NodeJobsServer> {
  const config = parseConfig(
    {
      port: 0,
      host: '127.0.0.1',
      app_key: 'contract-test-app-key-that-is-long-enough',
      bcrypt_rounds: 4,
      redis_port: redis!.port,
      dynamodb_endpoint: `http://127.0.0.1:${dynamodb!.port}`,
      s3_endpoint: `http://127.0.0.1:${s3!.port}`,
      data_file: join(directory, 'userdata', 'data.json'),
      log_file: join(directory, 'logs', 'nodeJobs.log'),
      // The generated tests send every operation once; limits are tested elsewhere.
      rate_limit_login: 0,
      rate_limit_register: 0,
    },
    'test',
  );
  return createServer(config, { logger: createAppLogger(true) });
}

/**
 * The portman configuration, written to `directory` with its `file:` scripts made absolute:
 * portman runs there, since it keeps its working files (`tmp/working`) in its current folder.
 */
async function portmanConfig(directory: string): Promise<string> {
  const config = JSON.parse(await readFile('tests/contract/portman-config.json', 'utf8')) as {
    globals: { collectionPreRequestScripts: string[] };
  };
  config.globals.collectionPreRequestScripts = config.globals.collectionPreRequestScripts.map((script) =>
    script.startsWith('file:') ? `file:${resolve(script.slice('file:'.length))}` : script,
  );
  const file = join(directory, 'portman-config.json');
  await writeFile(file, JSON.stringify(config));
  return file;
}

/** Generates the collection from the live document and runs it; the number of failures decides. */
async function contractTests(server: NodeJobsServer, directory: string): Promise<number> {
  const documentFile = join(directory, 'openapi.json');
  const collectionFile = join(directory, 'collection.json');
  await writeFile(documentFile, await (await fetch(`${server.url}/openapi.json`)).text());
  const generated = await run(
    bin('portman'),
    [
      '--local',
      documentFile,
      '--baseUrl',
      server.url,
      '--portmanConfigFile',
      await portmanConfig(directory),
      '--postmanConfigFile',
      resolve('tests/contract/postman-config.json'),
      '--output',
      collectionFile,
    ],
    directory,
  );
  if (generated !== 0) throw new Error(`portman failed (exit code ${generated}).`);
  return run(bin('newman'), ['run', collectionFile, '--reporters', 'cli'], directory);
}

const directory = await mkdtemp(join(tmpdir(), 'node-jobs-contract-'));
let services: LocalService[] = [];
let server: NodeJobsServer | undefined;
let exitCode = 1;
try {
  services = await startStack(directory);
  server = await startServer(directory, services);
  exitCode = await contractTests(server, directory);
} catch (error) {
  console.error(error);
} finally {
  await server?.close(1000);
  await Promise.allSettled(services.map((service) => service.stop()));
  await rm(directory, { recursive: true, force: true });
}
process.exit(exitCode);
