import { join } from 'node:path';

/** Where bench/build.ts compiles the bench's processes (git-ignored). */
export const builtDir = join(import.meta.dirname, '.build');

/** The compiled file of a bench entry (`servers`, `load`, `sockets`, `cli`). */
export const built = (entry: 'servers' | 'load' | 'sockets' | 'cli') => join(builtDir, `${entry}.js`);

/** What every benchmark reports: a subject measured against a baseline in the same run. */
export interface Result {
  name: string;
  subject: string;
  baseline: string;
  subjectValue: number;
  baselineValue: number;
  /** What the values measure: `ops/s` (higher is better), `KiB/conn` or `% of a core` (lower is better). */
  unit: string;
  /** The target this result is held to, in words, and whether it was met. */
  goal?: string;
  met?: boolean;
}
