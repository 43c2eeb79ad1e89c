import { execFile } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { chown, cp, mkdir, readdir } from 'node:fs/promises';
import { basename, join, posix } from 'node:path';
import { promisify } from 'node:util';
import { IgnoreStrategy } from 'aws-cdk-lib';
import { execForm, healthCheckOf, type HealthCheck, type Instruction, type Stage } from '../../deploy/lib/dockerfile';
import { linkNodeModules, root } from './pack';

const run = promisify(execFile);

/**
 * Whether a path of the repository stays out of the Docker build context: the `.dockerignore`
 * patterns read the way `cdk deploy` stages the context (aws-cdk-lib's DockerImageAsset: Docker's
 * rules, the Dockerfile and .dockerignore always kept).
 */
export function dockerIgnored(): (path: string) => boolean {
  const patterns = readFileSync(join(root, '.dockerignore'), 'utf8')
    .split('\n')
    .filter((line) => line !== '');
  const strategy = IgnoreStrategy.docker(root, [...patterns, '!.dockerignore', '!Dockerfile']);
  return (path) => strategy.ignores(join(root, path));
}

/** What a replayed stage leaves: its file system (a folder standing for `/`) and how its container would start. */
export interface ReplayedStage {
  /** The folder standing for the stage's `/`. */
  readonly root: string;
  /** The image's working directory, as the image names it (`/app`). */
  readonly workdir: string;
  /** ENV of the image. */
  readonly env: Readonly<Record<string, string>>;
  /** USER, as numbers; undefined when the image runs as root. */
  readonly user: { uid: number; gid: number } | undefined;
  /** ENTRYPOINT and CMD, both in exec form, joined. */
  readonly command: readonly string[];
  readonly healthCheck: HealthCheck | undefined;
  readonly exposed: readonly number[];
  /** The RUN lines replayed, and the one the replay stood in for (`npm ci` of a build stage). */
  readonly log: readonly string[];
}

export interface ReplayOptions {
  /** The folder of the build context. */
  readonly context: string;
  /** The folder standing for the stage's `/` (created). */
  readonly root: string;
  /** The file systems of the stages replayed before, by name, for `COPY --from`. */
  readonly stages?: Readonly<Record<string, string>>;
  /** A RUN line this replay does not run, with what stands in for it. */
  readonly standIn?: (command: string, workdir: string) => Promise<boolean>;
  /** Added to the environment of RUN lines (never to the image's ENV). */
  readonly runEnv?: Readonly<Record<string, string>>;
}

/** A path of the image as a path on this machine. */
const onHost = (stageRoot: string, imagePath: string) => join(stageRoot, posix.normalize(imagePath));

/** `ENV a=1 b="two words"` (and the legacy `ENV a 1`). */
function envOf(args: string): Record<string, string> {
  if (!/^[\w.-]+=/.test(args)) {
    const [, key = '', value = ''] = /^(\S+)\s+(.*)$/.exec(args) ?? [];
    return { [key]: value };
  }
  const values: Record<string, string> = {};
  for (const [, key, quoted, plain] of args.matchAll(/([\w.-]+)=(?:"((?:[^"\\]|\\.)*)"|(\S*))/g))
    values[key!] = quoted?.replace(/\\(.)/g, '$1') ?? plain ?? '';
  return values;
}

/** A RUN line may touch only its working directory: an absolute path would reach this machine's own. */
function refuseAbsolutePaths(instruction: Instruction): void {
  if (/(^|[\s;&|=(])\/(?!\/)/.test(instruction.args))
    throw new Error(
      `line ${instruction.line}: RUN names an absolute path; keep RUN lines relative to WORKDIR so they can be replayed: ${instruction.args}`,
    );
}

/** COPY [--from=stage] [--chown=uid:gid] source… destination, as Docker copies. */
async function replayCopy(
  instruction: Instruction,
  stage: { root: string; workdir: string },
  options: ReplayOptions,
): Promise<void> {
  const parts = instruction.args.split(/\s+/);
  const destination = parts.pop()!;
  if (parts.length === 0 || /[*?[]/.test(instruction.args))
    throw new Error(`line ${instruction.line}: COPY with no source or with a wildcard is not replayed`);
  const from = instruction.flags.from;
  const sourceRoot = from === undefined ? options.context : options.stages?.[from];
  if (sourceRoot === undefined) throw new Error(`line ${instruction.line}: no stage ${from} to copy from`);
  const target = onHost(stage.root, posix.resolve(stage.workdir, destination));
  const intoFolder = destination.endsWith('/') || parts.length > 1;
  for (const source of parts) {
    const path = from === undefined ? join(sourceRoot, posix.normalize(source)) : onHost(sourceRoot, source);
    if (!existsSync(path)) throw new Error(`line ${instruction.line}: COPY source ${source} does not exist`);
    if (statSync(path).isDirectory()) {
      await mkdir(target, { recursive: true });
      for (const entry of await readdir(path)) await cp(join(path, entry), join(target, entry), { recursive: true });
    } else {
      const file = intoFolder ? join(target, basename(path)) : target;
      await mkdir(join(file, '..'), { recursive: true });
      await cp(path, file);
    }
    const owner = instruction.flags.chown;
    if (owner !== undefined) {
      const [uid, gid = uid] = owner.split(':').map(Number);
      await chown(target, uid!, gid!);
    }
  }
}

/**
 * Replays a Dockerfile stage on this machine, instruction by instruction: WORKDIR, ENV, COPY (from
 * the context or an earlier stage), RUN (through `sh -c`, in the working directory, as this
 * process's user), USER, EXPOSE, HEALTHCHECK, CMD and ENTRYPOINT. RUN's `--mount` only caches, so it
 * is ignored. An instruction the replay does not know stops it.
 */
export async function replayStage(stage: Stage, options: ReplayOptions): Promise<ReplayedStage> {
  const state = { root: options.root, workdir: '/' };
  const env: Record<string, string> = {};
  let user: ReplayedStage['user'];
  let entrypoint: string[] = [];
  let cmd: string[] = [];
  const exposed: number[] = [];
  const log: string[] = [];
  await mkdir(options.root, { recursive: true });
  for (const instruction of stage.instructions) {
    switch (instruction.keyword) {
      case 'WORKDIR':
        state.workdir = posix.resolve(state.workdir, instruction.args);
        await mkdir(onHost(state.root, state.workdir), { recursive: true });
        break;
      case 'ENV':
        Object.assign(env, envOf(instruction.args));
        break;
      case 'COPY':
        await replayCopy(instruction, state, options);
        break;
      case 'RUN': {
        const cwd = onHost(state.root, state.workdir);
        if (await options.standIn?.(instruction.args, cwd)) {
          log.push(`(stood in for) ${instruction.args}`);
          break;
        }
        refuseAbsolutePaths(instruction);
        log.push(instruction.args);
        await run('sh', ['-c', instruction.args], {
          cwd,
          env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', ...options.runEnv, ...env },
          maxBuffer: 64 * 1024 * 1024,
        }).catch((error: Error & { stderr?: string }) => {
          throw new Error(
            `line ${instruction.line}: RUN failed: ${instruction.args}\n${error.stderr ?? error.message}`,
          );
        });
        break;
      }
      case 'USER': {
        const [uid, gid = uid] = instruction.args.split(':');
        if (!/^\d+$/.test(uid ?? '') || !/^\d+$/.test(gid ?? ''))
          throw new Error(
            `line ${instruction.line}: USER ${instruction.args} is not numeric; the replay cannot look names up in the image`,
          );
        user = Number(uid) === 0 ? undefined : { uid: Number(uid), gid: Number(gid) };
        break;
      }
      case 'EXPOSE':
        exposed.push(...instruction.args.split(/\s+/).map((port) => Number.parseInt(port, 10)));
        break;
      case 'ENTRYPOINT':
        entrypoint = execForm(instruction);
        break;
      case 'CMD':
        cmd = execForm(instruction);
        break;
      case 'HEALTHCHECK':
      case 'LABEL':
      case 'STOPSIGNAL':
        break;
      default:
        throw new Error(`line ${instruction.line}: the replay does not know ${instruction.keyword}`);
    }
  }
  const hasHealthCheck = stage.instructions.some((instruction) => instruction.keyword === 'HEALTHCHECK');
  return {
    root: options.root,
    workdir: state.workdir,
    env,
    user,
    command: [...entrypoint, ...cmd],
    healthCheck: hasHealthCheck ? healthCheckOf(stage) : undefined,
    exposed,
    log,
  };
}

/** Stands in for a build stage's `npm ci`: the checkout's installed node_modules, hard-linked (as tests/package/pack.test.ts builds). */
export async function npmCiStandIn(command: string, workdir: string): Promise<boolean> {
  if (!/^npm ci\b/.test(command)) return false;
  await linkNodeModules(workdir);
  return true;
}
