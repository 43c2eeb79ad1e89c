import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv } from '../harness/cli';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));
const version = '9.8.7';
const origin = 'https://github.com/example/node-jobs';

let work: string;
let checkout: string;
/** A stand-in for the registry: answers 404 to every package look-up, and records them. */
let registry: Server;
let registryUrl: string;
const lookups: string[] = [];

/** Runs `npm run release -- <args>` in the copy; its exit code and output. */
function release(args: string[]): Promise<{ code: number | null; output: string }> {
  const child = spawn('npm', ['run', 'release', '--', ...args], {
    cwd: checkout,
    env: cliEnv({ npm_config_registry: registryUrl }),
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, output })));
}

const git = (...args: string[]) => run('git', args, { cwd: checkout });

/** The package.json inside a tarball. */
async function packedManifest(tarball: string): Promise<Record<string, unknown>> {
  const { stdout } = await run('tar', ['-xzOf', tarball, 'package/package.json']);
  return JSON.parse(stdout) as Record<string, unknown>;
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'node-jobs-release-'));
  checkout = join(work, 'checkout');
  // The checkout as git tracks it, in a repository of its own, node_modules hard-linked.
  const { stdout } = await run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root });
  for (const path of stdout.split('\0').filter((path) => path !== '' && existsSync(join(root, path))))
    await cp(join(root, path), join(checkout, path), { recursive: true });
  await run('cp', ['-al', join(root, 'node_modules'), join(checkout, 'node_modules')]);
  await git('init', '-q', '-b', 'main');
  await git('remote', 'add', 'origin', `git@github.com:example/node-jobs.git`);
  await git('add', '-A');
  await git('-c', 'user.name=Test', '-c', 'user.email=test@example.com', 'commit', '-q', '-m', 'checkout');

  registry = createServer((req, res) => {
    lookups.push(`${req.method} ${decodeURIComponent(req.url ?? '')}`);
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"Not found"}');
  });
  await new Promise<void>((resolve) => registry.listen(0, '127.0.0.1', resolve));
  registryUrl = `http://127.0.0.1:${(registry.address() as AddressInfo).port}/`;
}, 300_000);

afterAll(async () => {
  await new Promise((resolve) => registry?.close(resolve));
  await rm(work, { recursive: true, force: true });
});

describe('npm run release', () => {
  it('refuses a version npm would not publish', async () => {
    const { code, output } = await release(['v1', '--dry-run']);
    expect(code).toBe(1);
    expect(output).toMatch(/release: "v1" is not a version npm publishes/);
  });

  it('refuses a working tree with changes, naming them', async () => {
    await writeFile(join(checkout, 'README.md'), `${await readFile(join(checkout, 'README.md'), 'utf8')}\nchanged\n`);
    try {
      const { code, output } = await release([version, '--dry-run']);
      expect(code).toBe(1);
      expect(output).toMatch(/release: The working tree has changes; commit or stash them first:\n M README.md/);
    } finally {
      await git('checkout', '--', 'README.md');
    }
  });

  it(
    'in a dry run, versions both in step, builds, packs both and publishes the client first, then puts the manifests back',
    { timeout: 600_000 },
    async () => {
      const { code, output } = await release([version, '--dry-run']);
      expect(code, output).toBe(0);

      const clientTarball = join(checkout, 'release', `node-jobs-client-${version}.tgz`);
      const serverTarball = join(checkout, 'release', `node-jobs-${version}.tgz`);
      const client = await packedManifest(clientTarball);
      const server = await packedManifest(serverTarball);
      expect(client.version).toBe(version);
      expect(server.version).toBe(version);
      expect((server.dependencies as Record<string, string>)['node-jobs-client']).toBe(version);
      // npm shows where the client comes from, and where to report its bugs.
      expect(client.repository).toEqual({ type: 'git', url: `git+${origin}.git`, directory: 'packages/client' });
      expect(client.homepage).toBe(`${origin}/tree/main/packages/client#readme`);
      expect(client.bugs).toEqual({ url: `${origin}/issues` });
      expect(server.repository).toEqual({ type: 'git', url: `git+${origin}.git` });

      // The client is published first: installing the server fetches it.
      const published = [...output.matchAll(/^\+ (node-jobs(?:-client)?)@(\S+)$/gm)].map((match) => match.slice(1, 3));
      expect(published).toEqual([
        ['node-jobs-client', version],
        ['node-jobs', version],
      ]);
      expect(output).toMatch(/\(dry-run\)/);
      // The registry was only asked about the two packages, the client first; nothing was PUT.
      expect(lookups.length).toBeGreaterThan(0);
      expect(new Set(lookups)).toEqual(new Set(['GET /node-jobs-client', 'GET /node-jobs']));
      expect(lookups[0]).toBe('GET /node-jobs-client');

      // Nothing was committed or left changed.
      expect((await git('status', '--porcelain')).stdout).toBe('');
      expect((await git('tag')).stdout).toBe('');
      const versionOf = async (path: string) =>
        (JSON.parse(await readFile(path, 'utf8')) as { version: string }).version;
      expect(await versionOf(join(checkout, 'package.json'))).toBe(await versionOf(join(root, 'package.json')));
    },
  );
});
