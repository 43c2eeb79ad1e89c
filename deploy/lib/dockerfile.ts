/**
 * A reader of the project's Dockerfile: its stages and their instructions. The CDK app takes the
 * container health check from it (ECS ignores the image's HEALTHCHECK), and the repository's tests
 * replay the runtime stage outside Docker from it, so neither repeats what the file says.
 */
import { readFileSync } from 'node:fs';

/** One instruction: `COPY --from=build /src/x ./` is `{ keyword: 'COPY', flags: { from: 'build' }, args: '/src/x ./' }`. */
export interface Instruction {
  readonly keyword: string;
  /** `--name=value` flags before the arguments (a flag given twice keeps the last value). */
  readonly flags: Readonly<Record<string, string>>;
  /** The rest of the line, continuation lines joined with a space. */
  readonly args: string;
  /** The line the instruction starts on, from 1. */
  readonly line: number;
}

/** A stage: from its `FROM` to the next one. */
export interface Stage {
  readonly name: string | undefined;
  readonly base: string;
  readonly instructions: readonly Instruction[];
}

/** The logical lines of a Dockerfile: comments and blank lines dropped, `\` continuations joined. */
function logicalLines(text: string): { text: string; line: number }[] {
  const lines: { text: string; line: number }[] = [];
  let pending: { text: string; line: number } | undefined;
  text.split(/\r?\n/).forEach((raw, index) => {
    const trimmed = raw.trim();
    if (trimmed.startsWith('#') || (trimmed === '' && pending === undefined)) return;
    const continued = trimmed.endsWith('\\');
    const part = continued ? trimmed.slice(0, -1).trim() : trimmed;
    pending =
      pending === undefined ? { text: part, line: index + 1 } : { ...pending, text: `${pending.text} ${part}`.trim() };
    if (!continued) {
      lines.push(pending);
      pending = undefined;
    }
  });
  if (pending !== undefined) lines.push(pending);
  return lines;
}

/** Reads one logical line into its keyword, flags and arguments. */
function instructionOf(text: string, line: number): Instruction {
  const [, keyword = '', rest = ''] = /^(\S+)\s*(.*)$/.exec(text) ?? [];
  const flags: Record<string, string> = {};
  let args = rest;
  for (let flag = /^--([\w-]+)=(\S+)\s*/.exec(args); flag !== null; flag = /^--([\w-]+)=(\S+)\s*/.exec(args)) {
    flags[flag[1]!] = flag[2]!;
    args = args.slice(flag[0].length);
  }
  return { keyword: keyword.toUpperCase(), flags, args, line };
}

/** Parses a Dockerfile's text into its stages. */
export function parseDockerfile(text: string): Stage[] {
  const stages: { name: string | undefined; base: string; instructions: Instruction[] }[] = [];
  for (const { text: lineText, line } of logicalLines(text)) {
    const instruction = instructionOf(lineText, line);
    if (instruction.keyword === 'FROM') {
      const [base = '', as, name] = instruction.args.split(/\s+/);
      stages.push({ base, name: as?.toUpperCase() === 'AS' ? name : undefined, instructions: [] });
    } else if (stages.length > 0) {
      stages.at(-1)!.instructions.push(instruction);
    } else if (instruction.keyword !== 'ARG') {
      throw new Error(`line ${line}: ${instruction.keyword} before the first FROM`);
    }
  }
  if (stages.length === 0) throw new Error('no FROM: not a Dockerfile');
  return stages;
}

/** Reads and parses the Dockerfile at `path`. */
export function readDockerfile(path: string): Stage[] {
  return parseDockerfile(readFileSync(path, 'utf8'));
}

/**
 * The arguments of an exec-form instruction (`CMD ["node", "dist/cli.js", "serve"]`), which Docker
 * runs without a shell, so signals reach the program itself.
 * @throws Error when the arguments are the shell form
 */
export function execForm(instruction: Pick<Instruction, 'keyword' | 'args' | 'line'>): string[] {
  const fail = () =>
    new Error(`line ${instruction.line}: ${instruction.keyword} is not in exec form (a JSON array of strings)`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(instruction.args);
  } catch {
    throw fail();
  }
  const parts: unknown[] = Array.isArray(parsed) ? parsed : [];
  if (parts.length === 0 || !parts.every((part): part is string => typeof part === 'string')) throw fail();
  return parts;
}

/** A `HEALTHCHECK`'s options (`--interval=30s` as seconds) and its exec-form command. */
export interface HealthCheck {
  readonly command: string[];
  readonly intervalS: number | undefined;
  readonly timeoutS: number | undefined;
  readonly startPeriodS: number | undefined;
  readonly retries: number | undefined;
}

const seconds = (value: string | undefined): number | undefined => {
  if (value === undefined) return undefined;
  const found = /^(\d+)(s|m)$/.exec(value);
  if (found === null)
    throw new Error(`a HEALTHCHECK duration must be whole seconds or minutes (30s, 1m), not ${value}`);
  return Number(found[1]) * (found[2] === 'm' ? 60 : 1);
};

/** The `HEALTHCHECK` of a stage (its last one, as Docker reads it). */
export function healthCheckOf(stage: Stage): HealthCheck {
  const instruction = stage.instructions.filter((entry) => entry.keyword === 'HEALTHCHECK').at(-1);
  if (instruction === undefined) throw new Error(`stage ${stage.name ?? stage.base} has no HEALTHCHECK`);
  const [, form = '', rest = ''] = /^(\S+)\s*(.*)$/.exec(instruction.args) ?? [];
  if (form.toUpperCase() !== 'CMD')
    throw new Error(`line ${instruction.line}: HEALTHCHECK must be HEALTHCHECK [options] CMD [...]`);
  const retries = instruction.flags.retries;
  return {
    command: execForm({ ...instruction, args: rest }),
    intervalS: seconds(instruction.flags.interval),
    timeoutS: seconds(instruction.flags.timeout),
    startPeriodS: seconds(instruction.flags['start-period']),
    retries: retries === undefined ? undefined : Number(retries),
  };
}
