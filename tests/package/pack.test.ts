import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { cliEnv } from '../harness/cli';
import { isolatedSettings, testAppKey } from '../harness/testServer';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));
let work: string;
let project: string;
let tarball: string;
let files: string[];

async function sh(command: string, args: string[], cwd: string, env: Record<string, string> = {}) {
  return run(command, args, { cwd, env: cliEnv(env), maxBuffer: 64 * 1024 * 1024 });
}

/** Copies the checkout (what git would track) to `target`, node_modules hard-linked, so building there leaves this tree's dist/ alone. */
async function copyCheckout(target: string): Promise<void> {
  const { stdout } = await sh('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], root);
  const paths = stdout.split('\0').filter((path) => path !== '' && existsSync(join(root, path)));
  for (const path of paths) await cp(join(root, path), join(target, path), { recursive: true });
  // Hard links: as fast as a symlink, but the type build sees node_modules inside the checkout.
  await sh('cp', ['-al', join(root, 'node_modules'), join(target, 'node_modules')], root);
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'node-jobs-pack-'));
  const checkout = join(work, 'checkout');
  await copyCheckout(checkout);
  // What `npm pack` does through prepack, run apart so that its output does not mix with the JSON.
  await sh('npm', ['run', 'build'], checkout);
  const { stdout } = await sh('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], checkout);
  const [packed] = JSON.parse(stdout) as [{ filename: string; files: { path: string }[] }];
  tarball = join(work, packed.filename);
  files = packed.files.map((file) => file.path);

  project = join(work, 'app');
  await sh('mkdir', ['-p', project], work);
  await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true }));
  await sh('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball, `typescript@${JSON.parse(await readFile(join(root, 'node_modules/typescript/package.json'), 'utf8')).version}`], project);
}, 300_000);

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('the packed package', () => {
  it('ships built code, types, README, LICENSE, the example config and the sample jobs, and no tests or fixtures', () => {
    for (const wanted of ['package.json', 'README.md', 'LICENSE', 'config/secrets.json.example', 'data/sample-jobs.json', 'dist/index.js', 'dist/index.d.ts', 'dist/cli.js', 'dist/client/index.js', 'dist/client/index.cjs', 'dist/client/index.d.ts', 'dist/client/index.d.cts']) {
      expect(files).toContain(wanted);
    }
    expect(files.filter((file) => /^(tests|scripts|bench|services|libraries|commands|models|client|console)\//.test(file) || file.endsWith('.test.ts') || /fixtures/.test(file))).toEqual([]);
    expect(files.filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts') && !file.endsWith('.d.cts'))).toEqual([]);
  });

  it('imports node-jobs/client from ESM and from CommonJS', async () => {
    const esm = await sh('node', ['--input-type=module', '-e', "import { createClient, ApiError, MemoryStorage } from 'node-jobs/client'; const c = createClient({ baseURL: 'http://localhost:1' }); console.log(typeof c.jobs.search, typeof ApiError, typeof MemoryStorage);"], project);
    expect(esm.stdout.trim()).toBe('function function function');
    const cjs = await sh('node', ['-e', "const { createClient, ApiError } = require('node-jobs/client'); const c = createClient({ baseURL: 'http://localhost:1' }); console.log(typeof c.jobs.search, typeof ApiError);"], project);
    expect(cjs.stdout.trim()).toBe('function function');
  });

  it('type-checks a TypeScript file that uses the SDK', async () => {
    await writeFile(
      join(project, 'use-sdk.ts'),
      [
        "import { createClient, ApiError, type Job, type PublicUser } from 'node-jobs/client';",
        "const client = createClient({ baseURL: 'http://localhost:3000' });",
        "export async function main(): Promise<Job[]> {",
        "  try { return await client.jobs.search({ location: 'Berlin', full_time: true }); }",
        '  catch (error) { if (error instanceof ApiError) console.error(error.status, error.message); throw error; }',
        '}',
        "export const shape = (user: PublicUser): string => user.email + user.username;",
        "// @ts-expect-error full_time is a boolean",
        "void client.jobs.search({ full_time: 'yes' });",
      ].join('\n'),
    );
    await writeFile(
      join(project, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { strict: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', noEmit: true, skipLibCheck: false, types: [] }, files: ['use-sdk.ts'] }),
    );
    await sh('node', [join(project, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], project);
  });

  it('runs npx node-jobs --help and --version', async () => {
    const help = await sh('npx', ['--no-install', 'node-jobs', '--help'], project);
    expect(help.stdout).toMatch(/Usage: node-jobs/);
    expect(help.stdout).toMatch(/user-make-admin/);
    const version = await sh('npx', ['--no-install', 'node-jobs', '--version'], project);
    expect(version.stdout.trim()).toBe(JSON.parse(await readFile(join(root, 'package.json'), 'utf8')).version);
  });

  it('starts createServer from the package entry and serves the sample jobs', async () => {
    const stack = inject('stack');
    const settings = { ...isolatedSettings(), app_key: testAppKey, port: 0, host: '127.0.0.1', redis_port: stack.redisPort, dynamodb_endpoint: stack.dynamodbEndpoint, s3_endpoint: stack.s3Endpoint, data_file: join(project, 'data.json'), log_file: join(project, 'log/requests.log') };
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
});
