import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { freePort, waitUntil } from '../../devtools/localStack';
import { cliEnv, descendants, exited, isAlive, waitForLine } from '../harness/cli';
import { copyCheckout, installedPackages, pack as packInto, root, sh } from '../harness/pack';
import { isolatedSettings, testAppKey } from '../harness/testServer';

let work: string;
let project: string;
let tarball: string;
let files: string[];
/** An empty project with only the packed node-jobs-client installed. */
let sdkProject: string;
let clientTarball: string;
let clientFiles: string[];
const rootTsc = join(root, 'node_modules/typescript/bin/tsc');
const pack = (directory: string) => packInto(directory, work);

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'node-jobs-pack-'));
  const checkout = join(work, 'checkout');
  await copyCheckout(checkout);
  // What `npm pack` does through prepack, run apart so that its output does not mix with the JSON.
  await sh('npm', ['run', 'build'], checkout);
  ({ tarball, files } = await pack(checkout));
  ({ tarball: clientTarball, files: clientFiles } = await pack(join(checkout, 'packages/client')));

  project = join(work, 'app');
  sdkProject = join(work, 'sdk');
  await sh('mkdir', ['-p', project, sdkProject], work);
  await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true }));
  await writeFile(
    join(sdkProject, 'package.json'),
    JSON.stringify({ name: 'sdk-app', version: '1.0.0', private: true }),
  );
  const install = ['install', '--no-audit', '--no-fund', '--prefer-offline'];
  await Promise.all([
    // node-jobs depends on node-jobs-client, which is not published yet: both tarballs, side by side.
    sh(
      'npm',
      [
        ...install,
        tarball,
        clientTarball,
        `typescript@${(JSON.parse(await readFile(join(root, 'node_modules/typescript/package.json'), 'utf8')) as { version: string }).version}`,
      ],
      project,
    ),
    sh('npm', [...install, clientTarball], sdkProject),
  ]);
}, 600_000);

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('the packed package', () => {
  it('ships built code, types, README, LICENSE, the example config and the sample jobs, and no tests or fixtures', () => {
    for (const wanted of [
      'package.json',
      'README.md',
      'LICENSE',
      'config/secrets.json.example',
      'data/sample-jobs.json',
      'dist/index.js',
      'dist/index.d.ts',
      'dist/cli.js',
      'dist/client/index.js',
      'dist/client/index.cjs',
      'dist/client/index.d.ts',
      'dist/client/index.d.cts',
    ]) {
      expect(files).toContain(wanted);
    }
    expect(
      files.filter(
        (file) =>
          /^(tests|scripts|bench|services|libraries|commands|models|client|console|deploy)\//.test(file) ||
          file.endsWith('.test.ts') ||
          /fixtures/.test(file),
      ),
    ).toEqual([]);
    expect(files.filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts') && !file.endsWith('.d.cts'))).toEqual(
      [],
    );
  });

  it('imports node-jobs/client from ESM and from CommonJS', async () => {
    const esm = await sh(
      'node',
      [
        '--input-type=module',
        '-e',
        "import { createClient, ApiError, MemoryStorage } from 'node-jobs/client'; const c = createClient({ baseURL: 'http://localhost:1' }); console.log(typeof c.jobs.search, typeof ApiError, typeof MemoryStorage);",
      ],
      project,
    );
    expect(esm.stdout.trim()).toBe('function function function');
    const cjs = await sh(
      'node',
      [
        '-e',
        "const { createClient, ApiError } = require('node-jobs/client'); const c = createClient({ baseURL: 'http://localhost:1' }); console.log(typeof c.jobs.search, typeof ApiError);",
      ],
      project,
    );
    expect(cjs.stdout.trim()).toBe('function function');
  });

  it('type-checks a TypeScript file that uses the SDK', async () => {
    await writeFile(
      join(project, 'use-sdk.ts'),
      [
        "import { createClient, ApiError, type Job, type PublicUser } from 'node-jobs/client';",
        "const client = createClient({ baseURL: 'http://localhost:3000' });",
        'export async function main(): Promise<Job[]> {',
        "  try { return await client.jobs.search({ location: 'Berlin', full_time: true }); }",
        '  catch (error) { if (error instanceof ApiError) console.error(error.status, error.message); throw error; }',
        '}',
        'export const shape = (user: PublicUser): string => user.email + user.username;',
        '// @ts-expect-error full_time is a boolean',
        "void client.jobs.search({ full_time: 'yes' });",
      ].join('\n'),
    );
    await writeFile(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'es2022',
          noEmit: true,
          skipLibCheck: false,
          types: [],
        },
        files: ['use-sdk.ts'],
      }),
    );
    await sh('node', [join(project, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], project);
  });

  it('runs npx node-jobs --help and --version', async () => {
    const help = await sh('npx', ['--no-install', 'node-jobs', '--help'], project);
    expect(help.stdout).toMatch(/Usage: node-jobs/);
    expect(help.stdout).toMatch(/user-make-admin/);
    const version = await sh('npx', ['--no-install', 'node-jobs', '--version'], project);
    expect(version.stdout.trim()).toBe(
      (JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { version: string }).version,
    );
  });

  it('starts createServer from the package entry and serves the sample jobs', async () => {
    const stack = inject('stack');
    const settings = {
      ...isolatedSettings(),
      app_key: testAppKey,
      port: 0,
      host: '127.0.0.1',
      redis_port: stack.redisPort,
      dynamodb_endpoint: stack.dynamodbEndpoint,
      s3_endpoint: stack.s3Endpoint,
      data_file: join(project, 'data.json'),
      log_file: join(project, 'log/requests.log'),
    };
    await writeFile(
      join(project, 'start.mjs'),
      [
        "import { createServer, parseConfig } from 'node-jobs';",
        `const server = await createServer(parseConfig(${JSON.stringify(settings)}), {});`,
        "const response = await fetch(server.url + '/?location=Berlin');",
        'const jobs = await response.json();',
        'console.log(response.status, jobs.length > 0, jobs.every((job) => job.location.includes("Berlin")));',
        'await server.close();',
      ].join('\n'),
    );
    const { stdout } = await sh('node', ['start.mjs'], project);
    expect(stdout.trim().split('\n').at(-1)).toBe('200 true true');
  });

  it('gives require() the package entry (Node 22.12+ loads the ESM build), as CommonJS code calls it', async () => {
    const { stdout } = await sh(
      'node',
      [
        '-e',
        "const { createServer, parseConfig } = require('node-jobs'); console.log(typeof createServer, typeof parseConfig);",
      ],
      project,
    );
    expect(stdout.trim()).toBe('function function');
  });

  it('serves node-jobs/client as node-jobs-client: the same classes, so instanceof holds across both names', async () => {
    const { stdout } = await sh(
      'node',
      ['-e', "console.log(require('node-jobs/client').ApiError === require('node-jobs-client').ApiError);"],
      project,
    );
    expect(stdout.trim()).toBe('true');
  });

  it('runs npx node-jobs dev from the installed package: its own DynamoDB, Redis and S3, stopped by Ctrl-C', async () => {
    const [dynamoPort, redisPort, s3Port] = [await freePort(), await freePort(), await freePort()];
    const args = [
      '--no-install',
      'node-jobs',
      'dev',
      '--port',
      '0',
      '--host',
      '127.0.0.1',
      '--dynamodb_endpoint',
      `http://localhost:${dynamoPort}`,
      '--redis_port',
      String(redisPort),
      '--s3_endpoint',
      `http://localhost:${s3Port}`,
    ];
    // Its own process group, as in a terminal, so Ctrl-C (SIGINT to the group) reaches npx and node-jobs alike.
    const child = spawn('npx', args, { cwd: project, env: cliEnv({}), detached: true });
    try {
      const [, url] = await waitForLine(child, /node-jobs API: (http:\/\/\S+?)\/?\n/, 180_000);
      const response = await fetch(`${url}/?location=Berlin`);
      expect(response.status).toBe(200);
      expect(((await response.json()) as unknown[]).length).toBeGreaterThan(0);
      // /healthz gives each service 2 s to answer: on a busy machine, ask until it has.
      await waitUntil(async () => (await fetch(`${url}/healthz`)).status === 200, 60_000, '/healthz to answer 200');
      const children = descendants(child.pid!);
      process.kill(-child.pid!, 'SIGINT');
      await exited(child);
      await waitUntil(async () => children.every((pid) => !isAlive(pid)), 20_000, 'every process of dev to exit');
    } finally {
      if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL');
    }
  }, 300_000);
});

describe('the packed node-jobs-client', () => {
  it('ships the ESM and CommonJS builds with their types, README and LICENSE, and no sources', () => {
    for (const wanted of [
      'package.json',
      'README.md',
      'LICENSE',
      'dist/index.js',
      'dist/index.cjs',
      'dist/index.d.ts',
      'dist/index.d.cts',
    ])
      expect(clientFiles).toContain(wanted);
    expect(clientFiles.filter((file) => /\.ts$/.test(file) && !/\.d\.c?ts$/.test(file))).toEqual([]);
  });

  it('installs alone into an empty project: at most 40 packages and 10 MB, no install script, no server code', async () => {
    const installed = await installedPackages(join(sdkProject, 'node_modules'));
    const names = installed.map((entry) => entry.manifest.name);
    expect(names).toContain('node-jobs-client');
    expect(names.length).toBeLessThanOrEqual(40);
    const { stdout } = await sh('du', ['-sb', join(sdkProject, 'node_modules')], sdkProject);
    expect(Number(stdout.split('\t')[0])).toBeLessThanOrEqual(10 * 1024 * 1024);
    const withInstallScripts = installed.filter(
      ({ path, manifest }) =>
        ['preinstall', 'install', 'postinstall'].some((script) => manifest.scripts?.[script]) ||
        existsSync(join(path, 'binding.gyp')),
    );
    expect(withInstallScripts.map((entry) => entry.manifest.name)).toEqual([]);
    expect(
      names.filter((name) =>
        ['node-jobs', 'express', 'dynamoose', 'bcrypt', 'ioredis', '@aws-sdk/client-s3'].includes(name),
      ),
    ).toEqual([]);
    console.log(
      `node-jobs-client installs ${names.length} packages, ${(Number(stdout.split('\t')[0]) / 1024 / 1024).toFixed(1)} MB`,
    );
  });

  it('works from ESM and from CommonJS', async () => {
    const esm = await sh(
      'node',
      [
        '--input-type=module',
        '-e',
        "import { createClient, ApiError, MemoryStorage } from 'node-jobs-client'; const c = createClient({ baseURL: 'http://localhost:1' }); console.log(typeof c.jobs.search, typeof ApiError, typeof MemoryStorage);",
      ],
      sdkProject,
    );
    expect(esm.stdout.trim()).toBe('function function function');
    const cjs = await sh(
      'node',
      [
        '-e',
        "const { createClient, ApiError } = require('node-jobs-client'); const c = createClient({ baseURL: 'http://localhost:1' }); console.log(typeof c.jobs.search, typeof ApiError);",
      ],
      sdkProject,
    );
    expect(cjs.stdout.trim()).toBe('function function');
  });

  it('type-checks under strict TypeScript with module nodenext, from an ES module and a CommonJS one', async () => {
    const use = [
      "import { createClient, ApiError, type Job, type PublicUser } from 'node-jobs-client';",
      "const client = createClient({ baseURL: 'http://localhost:3000' });",
      'export async function main(): Promise<Job[]> {',
      "  try { return await client.jobs.search({ location: 'Berlin', full_time: true }); }",
      '  catch (error) { if (error instanceof ApiError) console.error(error.status, error.message); throw error; }',
      '}',
      'export const shape = (user: PublicUser): string => user.email + user.username;',
      '// @ts-expect-error full_time is a boolean',
      "void client.jobs.search({ full_time: 'yes' });",
    ].join('\n');
    await writeFile(join(sdkProject, 'use-sdk.mts'), use);
    await writeFile(join(sdkProject, 'use-sdk.cts'), use);
    await writeFile(
      join(sdkProject, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'es2022',
          lib: ['es2022', 'dom'],
          noEmit: true,
          skipLibCheck: false,
          types: [],
        },
        files: ['use-sdk.mts', 'use-sdk.cts'],
      }),
    );
    await sh('node', [rootTsc, '-p', 'tsconfig.json'], sdkProject);
  });
});
