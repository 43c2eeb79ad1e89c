/**
 * `npm run release -- <version> [--dry-run]`: releases node-jobs-client and node-jobs together.
 *
 * node-jobs pins node-jobs-client at its own version, so the two are released in one step: check
 * that the tree is clean, set both versions (and the server's dependency on the client), build,
 * pack both into `release/`, and publish the client first, then the server. A real release then
 * commits the new versions and tags them `v<version>`; `--dry-run` publishes with `npm publish
 * --dry-run` and puts the manifests back as they were.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The manifests a release changes, relative to the repository's root. */
const manifests = ['package.json', 'packages/client/package.json', 'package-lock.json'] as const;
const clientDirectory = 'packages/client';
const clientName = 'node-jobs-client';

/** `1.2.3`, `1.2.3-rc.1`: what npm accepts as a version to publish. */
const semver = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$/;

interface Options {
  version: string;
  dryRun: boolean;
  /** The repository's root; the working directory by default. */
  root: string;
  /** Where the tarballs go. */
  out: string;
}

type Manifest = Record<string, unknown> & {
  version?: string;
  dependencies?: Record<string, string>;
  repository?: unknown;
};

class ReleaseError extends Error {}

/** Reads the command line: `<version> [--dry-run] [--out <dir>]`. */
function parseArguments(argv: readonly string[], root: string): Options {
  const args = [...argv];
  const dryRun = args.includes('--dry-run');
  const outIndex = args.indexOf('--out');
  const out = outIndex >= 0 ? args[outIndex + 1] : undefined;
  const positional = args.filter((arg, index) => !arg.startsWith('--') && (outIndex < 0 || index !== outIndex + 1));
  const [version] = positional;
  if (!version || positional.length > 1)
    throw new ReleaseError('Usage: npm run release -- <version> [--dry-run] [--out <dir>], e.g. 0.2.0.');
  if (!semver.test(version))
    throw new ReleaseError(
      `"${version}" is not a version npm publishes (major.minor.patch, e.g. 0.2.0 or 0.2.0-rc.1).`,
    );
  return { version, dryRun, root, out: resolve(root, out ?? 'release') };
}

/** Runs a command in `cwd`, its output shown as it comes; rejects when it fails. */
function step(command: string, args: string[], cwd: string): Promise<void> {
  console.log(`$ ${command} ${args.join(' ')}`);
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd, stdio: 'inherit' });
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolvePromise() : reject(new ReleaseError(`${command} ${args.join(' ')} exited with ${code}.`)),
    );
  });
}

/** Refuses to release from a tree with changes: what is published must be what is committed. */
async function checkCleanTree(root: string): Promise<void> {
  const { stdout } = await run('git', ['status', '--porcelain'], { cwd: root });
  if (stdout.trim() !== '')
    throw new ReleaseError(`The working tree has changes; commit or stash them first:\n${stdout.trimEnd()}`);
}

/** The repository's web address: package.json's `repository`, else the git remote `origin`. */
async function repositoryUrl(root: string, manifest: Manifest): Promise<string | undefined> {
  const declared = manifest.repository;
  const url =
    typeof declared === 'string'
      ? declared
      : typeof declared === 'object' && declared !== null && 'url' in declared
        ? String(declared.url)
        : await run('git', ['remote', 'get-url', 'origin'], { cwd: root }).then(
            ({ stdout }) => stdout.trim(),
            () => undefined,
          );
  if (!url) return undefined;
  // git@github.com:owner/name.git and git+https://…/name.git alike → https://github.com/owner/name
  return url
    .replace(/^git\+/, '')
    .replace(/^git@([^:]+):/, 'https://$1/')
    .replace(/\.git$/, '');
}

/** The `repository`, `homepage` and `bugs` of a package of this repository, in `directory` of it. */
function links(url: string, directory?: string): Pick<Manifest, 'repository' | 'homepage' | 'bugs'> {
  return {
    repository: { type: 'git', url: `git+${url}.git`, ...(directory ? { directory } : {}) },
    homepage: directory ? `${url}/tree/main/${directory}#readme` : `${url}#readme`,
    bugs: { url: `${url}/issues` },
  };
}

const readJson = async (path: string) => JSON.parse(await readFile(path, 'utf8')) as Manifest;
const writeJson = (path: string, value: unknown) => writeFile(path, `${JSON.stringify(value, null, 2)}\n`);

/** Sets both versions, the server's pin of the client, and (when known) the repository links. */
async function setVersions(root: string, version: string, url: string | undefined): Promise<void> {
  const server = await readJson(join(root, 'package.json'));
  const client = await readJson(join(root, clientDirectory, 'package.json'));
  if (!server.dependencies?.[clientName]) throw new ReleaseError(`package.json does not depend on ${clientName}.`);
  await writeJson(join(root, 'package.json'), {
    ...server,
    version,
    ...(url ? links(url) : {}),
    dependencies: { ...server.dependencies, [clientName]: version },
  });
  await writeJson(join(root, clientDirectory, 'package.json'), {
    ...client,
    version,
    ...(url ? links(url, clientDirectory) : {}),
  });
  // The lock records both versions too; the client is a workspace link, so nothing else changes.
  const lock = (await readJson(join(root, 'package-lock.json'))) as Manifest & {
    packages: Record<string, Manifest>;
  };
  lock.version = version;
  const rootEntry = lock.packages[''];
  const clientEntry = lock.packages[clientDirectory];
  if (!rootEntry || !clientEntry) throw new ReleaseError(`package-lock.json lacks the root or ${clientDirectory}.`);
  rootEntry.version = version;
  rootEntry.dependencies = { ...rootEntry.dependencies, [clientName]: version };
  clientEntry.version = version;
  await writeJson(join(root, 'package-lock.json'), lock);
}

/** `npm pack` of `directory` into `out` (already built); the tarball's path. */
async function pack(directory: string, out: string): Promise<string> {
  const { stdout } = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', out], {
    cwd: directory,
    maxBuffer: 64 * 1024 * 1024,
  });
  const [packed] = JSON.parse(stdout) as [{ filename: string }];
  return join(out, packed.filename);
}

/** The package.json inside a tarball. */
async function packedManifest(tarball: string): Promise<Manifest> {
  const { stdout } = await run('tar', ['-xzOf', tarball, 'package/package.json']);
  return JSON.parse(stdout) as Manifest;
}

/** Checks what was packed: both at `version`, the server pinning the client at it. */
async function checkTarballs(client: string, server: string, version: string): Promise<void> {
  const [clientManifest, serverManifest] = [await packedManifest(client), await packedManifest(server)];
  if (clientManifest.version !== version || serverManifest.version !== version)
    throw new ReleaseError(
      `The tarballs are at ${clientManifest.version} and ${serverManifest.version}, not ${version}.`,
    );
  const pinned = serverManifest.dependencies?.[clientName];
  if (pinned !== version)
    throw new ReleaseError(`The server's tarball depends on ${clientName}@${pinned}, not ${version}.`);
}

/** Releases both packages; see the top of this file. */
export async function release(options: Options): Promise<void> {
  const { root, version, dryRun, out } = options;
  await checkCleanTree(root);
  const originals = await Promise.all(manifests.map((path) => readFile(join(root, path), 'utf8')));
  const restore = () => Promise.all(manifests.map((path, index) => writeFile(join(root, path), originals[index]!)));
  const url = await repositoryUrl(root, JSON.parse(originals[0]!) as Manifest);
  if (!url && !dryRun)
    throw new ReleaseError(
      'No repository address: add "repository" to package.json or a git remote "origin", so that npm links to it.',
    );
  if (!url) console.warn('No repository address (package.json "repository" or git remote origin): no links are set.');

  let published = false;
  try {
    console.log(`Releasing ${clientName}@${version} and node-jobs@${version}${dryRun ? ' (dry run)' : ''}.`);
    await setVersions(root, version, url);
    await step('npm', ['run', 'build'], root);
    await rm(out, { recursive: true, force: true });
    await mkdir(out, { recursive: true });
    const client = await pack(join(root, clientDirectory), out);
    const server = await pack(root, out);
    await checkTarballs(client, server, version);
    console.log(`Packed ${client} and ${server}.`);

    // A pre-release must not become what `npm install node-jobs` gets.
    const publish = ['publish', ...(version.includes('-') ? ['--tag', 'next'] : []), ...(dryRun ? ['--dry-run'] : [])];
    // The client first: the server's tarball names it, and installing the server fetches it.
    await step('npm', [...publish, client], root);
    published = !dryRun;
    await step('npm', [...publish, server], root);
  } finally {
    if (!published) await restore();
  }
  if (dryRun) return console.log(`Dry run done: nothing was published, the manifests are as they were.`);
  await step('git', ['commit', '-m', `Release ${version}`, '--', ...manifests], root);
  await step('git', ['tag', `v${version}`], root);
  console.log(`Released ${version}: push the commit and the tag (git push --follow-tags).`);
}

// Run as a script (`npm run release`), not when imported.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    await release(parseArguments(process.argv.slice(2), process.cwd()));
  } catch (error) {
    console.error(`release: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
