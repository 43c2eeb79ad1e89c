/**
 * Builds the web console (`console/`) for browsers into `dist/console/`: `main.ts` with the SDK
 * bundled in and `styles.css`, minified under content-hashed names in `assets/`, and
 * `index.html` pointing at them. Prints the sizes. `npm run build:console` runs it;
 * `--sourcemap` adds source maps (`npm run dev` does).
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const sourceDir = join(root, 'console');

/** Where the built console goes by default (the server serves it from there). */
export const consoleOutDir = join(root, 'dist', 'console');

/** Source folders and packages the browser bundle may contain; anything else is server code. */
const allowedInputs = [/^console\//, /^client\//, /^node_modules\//];
const serverPackages =
  /^node_modules\/(express|dynamoose|ioredis|@aws-sdk|bcrypt|jsonwebtoken|winston|nconf|socket\.io\/|@socket\.io\/redis-adapter|commander)/;

export interface BuiltFile {
  /** Path relative to the output folder, e.g. `assets/main-4K2ZQ7.js`. */
  path: string;
  bytes: number;
  gzipped: number;
}

export interface ConsoleBuild {
  directory: string;
  /** The script and the style sheet (source maps aside). */
  files: BuiltFile[];
  /** Every source file in the bundle, relative to the package root. */
  inputs: string[];
}

/** Writes a file through a temporary name, so a server never reads half of it. */
async function writeAtomically(path: string, contents: Uint8Array | string): Promise<void> {
  const temporary = `${path}.${randomUUID()}.tmp`;
  await writeFile(temporary, contents);
  await rename(temporary, path);
}

export interface ConsoleBuildOptions {
  /** Output folder; `dist/console` by default. */
  outDir?: string;
  /** Write linked source maps next to the assets (for development; the package ships none). */
  sourcemap?: boolean;
}

/**
 * Bundles the console for browsers.
 * @throws Error when the bundle would contain server code, or esbuild fails
 */
export async function buildConsole(options: ConsoleBuildOptions = {}): Promise<ConsoleBuild> {
  const outDir = options.outDir ?? consoleOutDir;
  const result = await build({
    absWorkingDir: root,
    entryPoints: { main: join(sourceDir, 'main.ts'), styles: join(sourceDir, 'styles.css') },
    entryNames: 'assets/[name]-[hash]',
    outdir: outDir,
    bundle: true,
    minify: true,
    sourcemap: options.sourcemap ? 'linked' : false,
    format: 'esm',
    platform: 'browser',
    target: ['es2022', 'chrome111', 'firefox113', 'safari16.2'],
    define: { 'process.env.NODE_ENV': '"production"' },
    metafile: true,
    write: false,
    logLevel: 'silent',
  });

  const inputs = Object.keys(result.metafile.inputs).map((input) => input.replaceAll('\\', '/'));
  const foreign = inputs.filter(
    (input) => !allowedInputs.some((pattern) => pattern.test(input)) || serverPackages.test(input),
  );
  if (foreign.length > 0)
    throw new Error(`The console bundle must not contain server code, but it reaches: ${foreign.join(', ')}`);

  const outputs = result.outputFiles.map((file) => ({
    path: relative(outDir, file.path).replaceAll('\\', '/'),
    contents: file.contents,
  }));
  const entry = (extension: string) => {
    const found = outputs.find((file) => file.path.startsWith('assets/') && file.path.endsWith(extension));
    if (!found) throw new Error(`esbuild produced no ${extension} file.`);
    return found;
  };
  const script = entry('.js');
  const styles = entry('.css');

  let html = await readFile(join(sourceDir, 'index.html'), 'utf8');
  for (const [source, built] of [
    ['./main.ts', `./${script.path}`],
    ['./styles.css', `./${styles.path}`],
  ] as const) {
    if (!html.includes(`"${source}"`)) throw new Error(`console/index.html must reference "${source}".`);
    html = html.replace(`"${source}"`, `"${built}"`);
  }

  await mkdir(join(outDir, 'assets'), { recursive: true });
  for (const file of outputs) await writeAtomically(join(outDir, file.path), file.contents);
  await writeAtomically(join(outDir, 'index.html'), html);
  // Earlier builds' assets: the new index.html no longer points at them.
  const current = new Set(outputs.map((file) => basename(file.path)));
  for (const name of await readdir(join(outDir, 'assets'))) {
    if (!current.has(name) && !name.endsWith('.tmp')) await rm(join(outDir, 'assets', name), { force: true });
  }

  return {
    directory: outDir,
    files: [script, styles].map((file) => ({
      path: file.path,
      bytes: file.contents.byteLength,
      gzipped: gzipSync(file.contents, { level: 9 }).byteLength,
    })),
    inputs,
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const started = Date.now();
  const built = await buildConsole({ sourcemap: process.argv.includes('--sourcemap') });
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;
  console.log(`Console built into ${relative(process.cwd(), built.directory) || '.'}/ in ${Date.now() - started} ms:`);
  for (const file of built.files)
    console.log(`  ${file.path}  ${kb(file.bytes)} minified, ${kb(file.gzipped)} gzipped`);
}
