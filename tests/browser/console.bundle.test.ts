import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildConsole, type ConsoleBuild } from '../../scripts/build-console';

/** What a browser bundle of the SDK may contain besides `client/` and `console/`. */
const browserPackages = [
  'axios',
  'socket.io-client',
  'engine.io-client',
  'engine.io-parser',
  'socket.io-parser',
  '@socket.io/component-emitter',
];

function packageOf(input: string): string {
  const [, scopeOrName, name] = input.split('/');
  return scopeOrName!.startsWith('@') ? `${scopeOrName}/${name}` : scopeOrName!;
}

describe('the console bundle', () => {
  let directory: string;
  let built: ConsoleBuild;
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'node-jobs-console-'));
    built = await buildConsole({ outDir: directory });
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('holds only the console, the SDK and its two browser dependencies: no server code', () => {
    const sources = built.inputs.filter((input) => !input.startsWith('node_modules/'));
    expect(
      sources.every((input) => /^(console|client)\//.test(input)),
      sources.join(', '),
    ).toBe(true);
    expect(sources).toContain('client/index.ts');
    const packages = new Set(built.inputs.filter((input) => input.startsWith('node_modules/')).map(packageOf));
    expect([...packages].filter((name) => !browserPackages.includes(name))).toEqual([]);
  });

  it('writes an index.html that loads the hashed script as a module and the hashed style sheet', async () => {
    const html = await readFile(join(directory, 'index.html'), 'utf8');
    const [script, styles] = built.files;
    expect(script!.path).toMatch(/^assets\/main-\w+\.js$/);
    expect(styles!.path).toMatch(/^assets\/styles-\w+\.css$/);
    expect(html).toContain(`<script type="module" src="./${script!.path}"></script>`);
    expect(html).toContain(`<link rel="stylesheet" href="./${styles!.path}" />`);
    // A budget, so the console stays quick to load on a phone.
    expect(script!.gzipped).toBeLessThan(64 * 1024);
    expect(styles!.gzipped).toBeLessThan(8 * 1024);
  });
});
