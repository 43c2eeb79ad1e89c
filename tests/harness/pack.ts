import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { cliEnv } from './cli';

const run = promisify(execFile);
/** The repository's root, with a trailing slash. */
export const root = fileURLToPath(new URL('../../', import.meta.url));

/** Runs a command to completion (no shell), without the node-jobs settings of this process's environment. */
export async function sh(command: string, args: string[], cwd: string, env: Record<string, string> = {}) {
  return run(command, args, { cwd, env: cliEnv(env), maxBuffer: 64 * 1024 * 1024 });
}

/** `npm pack` in `directory` (scripts already run) into `destination`: the tarball's path and the files it holds. */
export async function pack(directory: string, destination: string): Promise<{ tarball: string; files: string[] }> {
  const { stdout } = await sh(
    'npm',
    ['pack', '--json', '--ignore-scripts', '--pack-destination', destination],
    directory,
  );
  const [packed] = JSON.parse(stdout) as [{ filename: string; files: { path: string }[] }];
  return { tarball: join(destination, packed.filename), files: packed.files.map((file) => file.path) };
}

export interface InstalledPackage {
  path: string;
  manifest: { name: string; scripts?: Record<string, string> };
}

/** Every installed package under `node_modules` (nested ones too): its folder and package.json. */
export async function installedPackages(nodeModules: string): Promise<InstalledPackage[]> {
  const found: InstalledPackage[] = [];
  const entries = await readdir(nodeModules, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const folders = entry.name.startsWith('@')
      ? (await readdir(join(nodeModules, entry.name))).map((name) => join(nodeModules, entry.name, name))
      : [join(nodeModules, entry.name)];
    for (const path of folders) {
      if (!existsSync(join(path, 'package.json'))) continue;
      found.push({ path, manifest: JSON.parse(await readFile(join(path, 'package.json'), 'utf8')) });
      found.push(...(await installedPackages(join(path, 'node_modules'))));
    }
  }
  return found;
}

export interface CopyCheckoutOptions {
  /** Which files to copy (paths relative to the root, '/' separators); all by default. */
  include?: (path: string) => boolean;
  /** Hard-link the root's node_modules into the copy (the default), standing in for `npm ci`. */
  nodeModules?: boolean;
}

/**
 * Copies the checkout (what git would track) to `target`, node_modules hard-linked, so building
 * there leaves this tree's dist/ alone.
 */
export async function copyCheckout(target: string, options: CopyCheckoutOptions = {}): Promise<void> {
  const { stdout } = await sh('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], root);
  const paths = stdout
    .split('\0')
    .filter((path) => path !== '' && existsSync(join(root, path)) && (options.include?.(path) ?? true));
  for (const path of paths) await cp(join(root, path), join(target, path), { recursive: true });
  // Hard links: as fast as a symlink, but the type build sees node_modules inside the checkout.
  if (options.nodeModules ?? true) await linkNodeModules(target);
}

/** Hard-links the root's installed node_modules into `target` (what `npm ci` would install there). */
export async function linkNodeModules(target: string): Promise<void> {
  await sh('cp', ['-al', join(root, 'node_modules'), join(target, 'node_modules')], root);
}
