import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { chmod, chown, copyFile, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { readDockerfile } from '../../deploy/lib/dockerfile';
import { freePort, waitUntil } from '../../devtools/localStack';
import { exited } from '../harness/cli';
import { dockerIgnored, npmCiStandIn, replayStage, type ReplayedStage } from '../harness/dockerReplay';
import { copyCheckout, installedPackages, root, sh } from '../harness/pack';
import { isolatedSettings, testAppKey } from '../harness/testServer';

// The machines that run this suite cannot pull base images, so the Dockerfile is replayed without
// Docker: its build stage on a copy of the build context (.dockerignore applied), its runtime stage
// into an empty folder standing for the image's `/`, then its CMD as its USER against the local
// services. A runtime dependency left in devDependencies, a file the build needs left out of the
// context, or a shell between Docker and node fails here.
const stages = readDockerfile(join(root, 'Dockerfile'));
const runtimeStage = stages.at(-1)!;
const isRoot = process.getuid?.() === 0;

/**
 * The image's `node` is Node 24: a copy of this test's own Node inside the image's folder, which the
 * image's user can reach (this Node may sit in a folder only root may enter; the user's PATH may
 * find another Node first).
 */
const imageProgram = (program: string) => (program === 'node' ? join(app(), '.node24') : program);

/** Puts the copy of this test's Node that `imageProgram` names in place. */
async function placeImageNode(): Promise<void> {
  const target = join(app(), '.node24');
  await copyFile(process.execPath, target);
  await chmod(target, 0o755);
}
const packageJson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  optionalDependencies: Record<string, string>;
};

let work: string;
let image: ReplayedStage;
let home: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'node-jobs-docker-'));
  // The image's user must be able to reach its files, as in a container.
  await chmod(work, 0o755);
  const ignored = dockerIgnored();
  const context = join(work, 'context');
  await copyCheckout(context, { include: (path) => !ignored(path), nodeModules: false });
  const stageRoots: Record<string, string> = {};
  for (const [index, stage] of stages.slice(0, -1).entries()) {
    const replayed = await replayStage(stage, {
      context,
      root: join(work, `stage-${index}`),
      stages: stageRoots,
      standIn: npmCiStandIn,
    });
    stageRoots[stage.name ?? String(index)] = replayed.root;
  }
  image = await replayStage(runtimeStage, {
    context,
    root: join(work, 'image'),
    stages: stageRoots,
    // The replay installs from this machine's npm cache first; the flags are the Dockerfile's own.
    runEnv: { npm_config_prefer_offline: 'true' },
  });
  home = join(work, 'home');
  await mkdir(home);
  if (image.user !== undefined) await chown(home, image.user.uid, image.user.gid);
}, 900_000);

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** The image's working directory on this machine. */
const app = () => join(image.root, image.workdir);

describe('the Dockerfile', () => {
  it('has a build stage and a runtime stage on Node 24', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) expect(stage.base).toMatch(/^node:24[.-]/);
  });

  it('installs the runtime with npm ci --omit=dev --omit=optional, and runs `serve` as an unprivileged user, without a shell', () => {
    expect(image.log.some((line) => /\bnpm ci\b[^&]*--omit=dev\b[^&]*--omit=optional\b/.test(line))).toBe(true);
    expect(image.user?.uid).toBeGreaterThan(0);
    expect(image.command).toEqual(['node', 'dist/cli.js', 'serve']);
    expect(image.healthCheck?.command.join(' ')).toContain('/healthz');
    expect(image.env.NODE_ENV).toBe('production');
    expect(image.exposed).toEqual([3000]);
  });

  it('ships the packed packages, their production dependencies and nothing of the sources, tests or dev tools', async () => {
    const installed = await installedPackages(join(app(), 'node_modules'));
    const names = new Set(installed.map((entry) => entry.manifest.name));
    // node-jobs-client is the workspace the lockfile links: the unpacked client package.
    expect(realpathSync(join(app(), 'node_modules/node-jobs-client'))).toBe(join(app(), 'packages/client'));
    expect(names.has('express')).toBe(true);
    const devOnly = ['typescript', 'vitest', 'tsup', 'tsx', 'eslint', 'prettier', 'aws-cdk-lib', 'cdk-nag'];
    expect(devOnly.filter((name) => names.has(name))).toEqual([]);
    expect(Object.keys(packageJson.optionalDependencies).filter((name) => names.has(name))).toEqual([]);
    const top = (await readdir(app())).sort();
    expect(top).toEqual(
      expect.arrayContaining(['dist', 'data', 'node_modules', 'package.json', 'packages', 'userdata']),
    );
    for (const absent of ['tests', 'services', 'libraries', 'deploy', 'client', 'console', 'scripts'])
      expect(top).not.toContain(absent);
    expect(existsSync(join(app(), 'packages/client/dist/index.js'))).toBe(true);
    const { stdout } = await sh('du', ['-sb', join(app(), 'node_modules')], root);
    const megabytes = Number(stdout.split('\t')[0]) / 1024 / 1024;
    console.log(
      `the image's npm ci installed ${installed.length} packages, ${megabytes.toFixed(1)} MB of node_modules`,
    );
  });

  describe.skipIf(!isRoot)('its CMD, started as its USER against the local services', () => {
    let server: ChildProcessWithoutNullStreams;
    let output = '';
    let url: string;
    let environment: Record<string, string>;

    beforeAll(async () => {
      const stack = inject('stack');
      const port = await freePort();
      const isolated = isolatedSettings();
      // What `docker run -e …` would add: the local services instead of AWS, credentials they accept.
      const settings = {
        port: String(port),
        host: '127.0.0.1',
        app_key: testAppKey,
        cors_origin: 'https://app.example.com',
        redis_port: String(stack.redisPort),
        dynamodb_endpoint: stack.dynamodbEndpoint,
        dynamodb_create_tables: 'true',
        dynamodb_timeout_ms: '15000',
        s3_endpoint: stack.s3Endpoint,
        ...isolated,
        AWS_ACCESS_KEY_ID: 'S3RVER',
        AWS_SECRET_ACCESS_KEY: 'S3RVER',
      };
      // In production the server uses the bucket it is given; here it is made first, as on AWS.
      const s3 = new S3Client({
        region: 'eu-central-1',
        endpoint: stack.s3Endpoint,
        forcePathStyle: true,
        credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      });
      await s3.send(new CreateBucketCommand({ Bucket: isolated.s3_bucket }));
      s3.destroy();
      environment = { PATH: process.env.PATH ?? '', HOME: home, ...image.env, ...settings };
      const [program, ...args] = image.command;
      await placeImageNode();
      server = spawn(imageProgram(program!), args, {
        cwd: app(),
        env: environment,
        uid: image.user!.uid,
        gid: image.user!.gid,
      });
      server.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      server.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      url = `http://127.0.0.1:${port}`;
      await waitUntil(
        async () => {
          if (server.exitCode !== null) throw new Error(`serve exited with ${server.exitCode}:\n${output}`);
          return (await fetch(`${url}/healthz`).catch(() => undefined))?.status === 200;
        },
        120_000,
        '/healthz to answer 200',
      );
    }, 180_000);

    afterAll(() => {
      if (server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
    });

    it('answers /healthz 200 and serves the bundled jobs', async () => {
      const health = await fetch(`${url}/healthz`);
      const body = await health.text();
      expect(health.status).toBe(200);
      console.log(`the replayed image's /healthz: ${health.status} ${body}`);
      const search = await fetch(`${url}/?location=Berlin`);
      expect(search.status).toBe(200);
      expect(((await search.json()) as unknown[]).length).toBeGreaterThan(0);
    });

    it('runs as the image’s user, not root', () => {
      const status = readFileSync(`/proc/${server.pid}/status`, 'utf8');
      expect(/^Uid:\s+(\d+)/m.exec(status)?.[1]).toBe(String(image.user!.uid));
    });

    it('passes its own HEALTHCHECK command', async () => {
      const [program, ...args] = image.healthCheck!.command;
      const check = spawn(imageProgram(program!), args, {
        cwd: app(),
        env: environment,
        uid: image.user!.uid,
        gid: image.user!.gid,
      });
      expect(await exited(check)).toEqual({ code: 0, signal: null });
    });

    it('shuts down on SIGTERM, delivered to node itself, and exits 0', async () => {
      server.kill('SIGTERM');
      expect(await exited(server)).toEqual({ code: 0, signal: null });
    });
  });
});
