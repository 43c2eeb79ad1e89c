import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageFile } from '../../libraries/packageFile';

const root = packageFile('.');

/**
 * The layers, lowest first: a file may import its own layer and the layers below, never above.
 * `client/` is standalone (it must bundle for a browser); the console is built on it alone.
 */
const layers: [layer: string, paths: string[]][] = [
  ['client', ['client/']],
  ['console', ['console/']],
  ['config', ['config/']],
  ['libraries', ['libraries/', 'devtools/']],
  ['models', ['models/', 'dynamoose.ts']],
  ['http', ['http/']],
  ['services', ['services/']],
  ['index', ['index.ts']],
  ['commands', ['commands/']],
];
/** What each layer may import besides itself; `client` and `console` see only the SDK. */
const allowed: Record<string, string[]> = {
  client: [],
  console: ['client'],
  config: ['client'],
  libraries: ['client', 'config'],
  models: ['client', 'config', 'libraries'],
  http: ['client', 'config', 'libraries', 'models'],
  services: ['client', 'config', 'libraries', 'models', 'http'],
  index: ['client', 'config', 'libraries', 'models', 'http', 'services'],
  commands: ['client', 'config', 'libraries', 'models', 'http', 'services', 'index'],
};

const layerOf = (file: string) => layers.find(([, paths]) => paths.some((path) => (path.endsWith('/') ? file.startsWith(path) : file === path)))?.[0];

function sourceFiles(directory: string): string[] {
  return readdirSync(join(root, directory)).flatMap((name) => {
    const path = directory ? `${directory}/${name}` : name;
    if (statSync(join(root, path)).isDirectory()) return ['node_modules', 'dist', 'tests', 'bench', 'scripts', '.git'].includes(name) ? [] : sourceFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.d.ts') && !path.endsWith('.config.ts') ? [path] : [];
  });
}

/** The project files a file imports (relative specifiers, resolved to `.ts` files). */
function importsOf(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  const specifiers = [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map((match) => match[1]!);
  return specifiers.map((specifier) => {
    const target = relative(root, resolve(root, dirname(file), specifier));
    for (const candidate of [`${target}.ts`, `${target}/index.ts`, target]) {
      try {
        if (statSync(join(root, candidate)).isFile()) return candidate;
      } catch {
        // not this one
      }
    }
    throw new Error(`${file} imports ${specifier}, which does not exist.`);
  });
}

const files = sourceFiles('');
const graph = new Map(files.map((file) => [file, importsOf(file)]));

describe('the layers of the source', () => {
  it('put every source file in a layer', () => {
    expect(files.filter((file) => layerOf(file) === undefined)).toEqual([]);
  });

  it('never import up a layer (libraries/ knows nothing of http/, services/ or dynamoose.ts)', () => {
    const upward: string[] = [];
    for (const [file, imports] of graph) {
      const from = layerOf(file)!;
      for (const target of imports) {
        const to = layerOf(target);
        if (to !== from && !allowed[from]!.includes(to ?? '')) upward.push(`${file} (${from}) imports ${target} (${to})`);
      }
    }
    expect(upward).toEqual([]);
  });

  it('have no import cycle', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (file: string, path: string[]) => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'visiting') return void cycles.push([...path.slice(path.indexOf(file)), file].join(' → '));
      state.set(file, 'visiting');
      for (const target of graph.get(file) ?? []) visit(target, [...path, file]);
      state.set(file, 'done');
    };
    for (const file of files) visit(file, []);
    expect(cycles).toEqual([]);
  });
});
