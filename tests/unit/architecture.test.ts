import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// The layers, lowest first: a file may import files of its own layer and of the layers before it in this
// list, never of a layer after it. A path ending in '/' is a folder, any other path one file.
const layers: readonly (readonly string[])[] = [
  ['client/'],
  ['config/'],
  ['libraries/'],
  ['models/', 'dynamoose.ts'],
  ['http/'],
  ['services/'],
  ['index.ts'],
  ['commands/'],
];
// What the layers may import besides each other: the dev tooling that `node-jobs dev` starts.
const layersMayAlsoImport: readonly string[] = ['devtools/'];
// Files outside the layers, with what they may import ('anything', or only these paths).
const outsideLayers: Readonly<Record<string, 'anything' | readonly string[]>> = {
  'bench/': 'anything',
  'scripts/': 'anything',
  'tests/': 'anything',
  'devtools/': 'anything',
  'console/': ['client/', 'console/'],
  'tsup.config.ts': 'anything',
  'vitest.config.ts': 'anything',
  'vitest.mutation.config.ts': 'anything',
  // The node-jobs-client package: only its build configuration, which points at client/.
  'packages/client/tsup.config.ts': 'anything',
  'vitest.fuzz.config.ts': 'anything',
  // The deploy kit (AWS CDK app) reaches the server through one adapter file, and only for the table
  // definitions and the IAM policy function; the rest of deploy/ imports deploy/ alone.
  'deploy/lib/server.ts': ['models/tables.ts', 'libraries/tableDefinition.ts', 'libraries/iamPolicy.ts'],
  'deploy/': ['deploy/'],
};
// The SDK is bundled for browsers: it imports nothing of the repository outside its own folder.
const selfContained = 'client/';
// Whether `import type` counts in cycles. It is erased from the JavaScript, but two files (or folders) that
// need each other's types are still one tangle: the bench/run.ts ↔ bench/sockets.ts cycle is one of these.
const typeImportsMakeCycles = true;

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const skippedFolders = new Set(['node_modules', 'dist', 'storage', 'userdata', 'coverage', 'scratch', 'cdk.out']);

interface Import {
  /** The importing file, relative to the root with '/' separators. */
  from: string;
  /** The file it resolves to (relative, '/'), or undefined when no file matches. */
  to: string | undefined;
  specifier: string;
  line: number;
  /** `import type …` and `export type … from`: erased from the JavaScript. */
  typeOnly: boolean;
}

const repoPath = (path: string) => relative(root, path).split(sep).join('/');

/** The TypeScript files under `folder`, relative to the root with '/' separators. */
function sourceFiles(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) return name.startsWith('.') || skippedFolders.has(name) ? [] : sourceFiles(path);
    return name.endsWith('.ts') ? [repoPath(path)] : [];
  });
}

/** The file a relative specifier names, as TypeScript's bundler resolution finds it. */
function resolveRelative(fromFile: string, specifier: string): string | undefined {
  const target = resolve(root, dirname(fromFile), specifier);
  const candidates = [target, `${target}.ts`, join(target, 'index.ts'), target.replace(/\.js$/, '.ts')];
  const found = candidates.find((path) => existsSync(path) && statSync(path).isFile());
  return found === undefined ? undefined : repoPath(found);
}

/** Whether the import whose specifier starts at `position` belongs to an `import type` or `export type` statement. */
function isTypeOnly(text: string, position: number): boolean {
  const keywords = [...text.slice(0, position).matchAll(/\b(?:import|export)\b/g)];
  const statement = keywords.at(-1);
  return statement !== undefined && /^(?:import|export)\s+type\b/.test(text.slice(statement.index));
}

/** The relative imports (and re-exports) of a source text, as TypeScript's pre-processor lists them. */
function relativeImportsIn(text: string): Pick<Import, 'specifier' | 'line' | 'typeOnly'>[] {
  return ts
    .preProcessFile(text, true, false)
    .importedFiles.filter((reference) => reference.fileName.startsWith('.'))
    .map((reference) => ({
      specifier: reference.fileName,
      line: text.slice(0, reference.pos).split('\n').length,
      typeOnly: isTypeOnly(text, reference.pos),
    }));
}

function importsOf(file: string): Import[] {
  return relativeImportsIn(readFileSync(join(root, file), 'utf8')).map((entry) => ({
    ...entry,
    from: file,
    to: resolveRelative(file, entry.specifier),
  }));
}

const files = sourceFiles(root);
const imports = files.flatMap(importsOf);
const at = (entry: Import) => `${entry.from}:${entry.line}`;
const describeImport = (entry: Import) =>
  `${at(entry)} imports${entry.typeOnly ? ' type' : ''} ${entry.to ?? entry.specifier}`;
// Every folder that holds a source file, and the root (''), each ending in '/'.
const folders = [
  ...new Set(
    files.flatMap((file) =>
      file
        .split('/')
        .slice(0, -1)
        .map((_, i, parts) => `${parts.slice(0, i + 1).join('/')}/`),
    ),
  ),
]
  .concat([''])
  .sort();
const under = (file: string, path: string) => (path.endsWith('/') ? file.startsWith(path) : file === path);
const layerOf = (file: string) => layers.findIndex((paths) => paths.some((path) => under(file, path)));
const outsideLayersOf = (file: string) => Object.keys(outsideLayers).find((path) => under(file, path));

/** The strongly connected components of a graph that contain a cycle (Tarjan's algorithm). */
function cycles(edges: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>();
  const lowLink = new Map<string, number>();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (node: string) => {
    index.set(node, index.size);
    lowLink.set(node, index.get(node)!);
    stack.push(node);
    for (const next of edges.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        lowLink.set(node, Math.min(lowLink.get(node)!, lowLink.get(next)!));
      } else if (stack.includes(next)) {
        lowLink.set(node, Math.min(lowLink.get(node)!, index.get(next)!));
      }
    }
    if (lowLink.get(node) !== index.get(node)) return;
    const component: string[] = [];
    for (let member = stack.pop()!; ; member = stack.pop()!) {
      component.push(member);
      if (member === node) break;
    }
    if (component.length > 1 || (edges.get(node) ?? []).includes(node)) found.push(component.sort());
  };
  for (const node of [...edges.keys()].sort()) if (!index.has(node)) visit(node);
  return found;
}

/** The shortest path from `start` back to itself through `members` (breadth first). */
function shortestCycle(
  start: string,
  members: readonly string[],
  edges: ReadonlyMap<string, readonly string[]>,
): string[] {
  const cameFrom = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift()!;
    for (const next of edges.get(node) ?? []) {
      if (next === start) {
        const path = [node];
        while (path[0] !== start) path.unshift(cameFrom.get(path[0]!)!);
        return [...path, start];
      }
      if (members.includes(next) && !cameFrom.has(next)) {
        cameFrom.set(next, node);
        queue.push(next);
      }
    }
  }
  return [start];
}

/** What makes the edge `from → to` of the graph of `folder`: its first few imports. */
function because(edge: readonly Import[]): string {
  const shown = edge.slice(0, 3).map(describeImport).join(', ');
  return edge.length > 3 ? `${shown} and ${edge.length - 3} more` : shown;
}

/**
 * The cycles among the children of `folder`, each file one node and each subfolder one node
 * (`services/jobs/providers/`), so a cycle between folders shows even when no file imports itself back.
 */
function cyclesWithin(folder: string): string[] {
  const nodeOf = (file: string) => {
    const [first, ...rest] = file.slice(folder.length).split('/');
    return `${folder}${first}${rest.length > 0 ? '/' : ''}`;
  };
  const edges = new Map<string, string[]>();
  const witnesses = new Map<string, Import[]>();
  for (const entry of imports) {
    if ((entry.typeOnly && !typeImportsMakeCycles) || entry.to === undefined || !entry.to.endsWith('.ts')) continue;
    if (!entry.from.startsWith(folder) || !entry.to.startsWith(folder)) continue;
    const [from, to] = [nodeOf(entry.from), nodeOf(entry.to)];
    if (from === to) continue;
    edges.set(from, [...new Set([...(edges.get(from) ?? []), to])].sort());
    witnesses.set(`${from} ${to}`, [...(witnesses.get(`${from} ${to}`) ?? []), entry]);
  }
  return cycles(edges).map((members) => {
    const cycle = shortestCycle(members[0]!, members, edges);
    const links = cycle.slice(1).map((to, i) => because(witnesses.get(`${cycle[i]} ${to}`)!));
    const others = members.filter((member) => !cycle.includes(member));
    const tangle = others.length > 0 ? ` (the tangle also holds ${others.join(', ')})` : '';
    return `${cycle.join(' → ')}${tangle}: ${links.join('; ')}`;
  });
}

describe('the architecture of the repository', () => {
  it('reads relative imports, re-exports and dynamic imports, and tells `import type` apart', () => {
    const sample = [
      "import type { Config } from '../config/schema';",
      "import { type Job, randomJobsPath } from './types';",
      "export type { Storage } from './storage';",
      "export * from './errors';",
      "import express from 'express';",
      "// import { commented } from './out';",
      "const later = await import('../index');",
    ].join('\n');
    expect(relativeImportsIn(sample)).toEqual([
      { specifier: '../config/schema', line: 1, typeOnly: true },
      { specifier: './types', line: 2, typeOnly: false },
      { specifier: './storage', line: 3, typeOnly: true },
      { specifier: './errors', line: 4, typeOnly: false },
      { specifier: '../index', line: 7, typeOnly: false },
    ]);
    expect(files).toEqual(expect.arrayContaining(['index.ts', 'dynamoose.ts', 'client/index.ts']));
  });

  it('resolves every relative import to a file', () => {
    const unresolved = imports
      .filter((entry) => entry.to === undefined)
      .map((entry) => `${at(entry)} imports '${entry.specifier}'`);
    expect(unresolved, 'relative imports that name no file').toEqual([]);
  });

  it('has no import cycle, between files nor between the files and folders side by side in a folder', () => {
    expect(folders.flatMap(cyclesWithin), 'import cycles').toEqual([]);
  });

  it(`keeps the SDK self-contained: ${selfContained} imports nothing outside ${selfContained}`, () => {
    const escapes = imports
      .filter(
        (entry) => entry.from.startsWith(selfContained) && !(entry.to ?? entry.specifier).startsWith(selfContained),
      )
      .map((entry) => `${at(entry)} imports ${entry.to ?? entry.specifier}`);
    expect(escapes, `imports out of ${selfContained}`).toEqual([]);
  });

  it('imports only down the layers, and each folder outside them only what it may', () => {
    const describeLayer = (index: number) => layers[index]!.join(' and ');
    const violations: string[] = [];
    for (const file of files) {
      if (layerOf(file) < 0 && outsideLayersOf(file) === undefined)
        violations.push(`${file} is in no layer: add it to the table`);
    }
    for (const entry of imports) {
      if (entry.to === undefined) continue;
      const fromLayer = layerOf(entry.from);
      const toLayer = layerOf(entry.to);
      if (fromLayer >= 0) {
        if (toLayer > fromLayer) {
          violations.push(
            `${at(entry)} imports ${entry.to}: up from ${describeLayer(fromLayer)} to ${describeLayer(toLayer)}`,
          );
        } else if (toLayer < 0 && !layersMayAlsoImport.some((path) => under(entry.to!, path))) {
          violations.push(`${at(entry)} imports ${entry.to}, which is outside the layers`);
        }
        continue;
      }
      const outside = outsideLayersOf(entry.from);
      const allowed = outside === undefined ? 'anything' : outsideLayers[outside]!;
      if (allowed !== 'anything' && !allowed.some((path) => under(entry.to!, path))) {
        violations.push(`${at(entry)} imports ${entry.to}: ${outside} may import only ${allowed.join(' and ')}`);
      }
    }
    expect(violations, 'imports against the layers').toEqual([]);
  });
});
