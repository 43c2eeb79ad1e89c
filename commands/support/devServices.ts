import { readFileSync, unlinkSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Config, ConfigKey } from '../../config/schema';

/**
 * How a running `dev` tells the CLI where its services are: `dev` writes the file while it runs
 * (and removes it when it ends), and the account commands read it as a layer of their configuration,
 * so that `node-jobs user-delete -u <email>` reaches `dev`'s DynamoDB, Redis and S3 with no flag.
 */

/** Where `dev` writes the settings of its services, relative to the working directory. */
export const devServicesFile = 'storage/dev/endpoints.json';

/** What a command needs to reach the data of a running `dev`. */
export const devServiceKeys = [
  'aws_region',
  'dynamodb_endpoint',
  'dynamodb_table_prefix',
  'redis_host',
  'redis_port',
  'redis_password',
  'redis_key_prefix',
  's3_endpoint',
  's3_bucket',
] as const satisfies readonly ConfigKey[];

interface DevServicesRecord {
  /** The `dev` process that wrote it: a file whose process is gone is stale (dev was killed). */
  pid: number;
  settings: Record<string, unknown>;
}

/** Tells whether a process runs (one of another user counts). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Writes the settings of `dev`'s services for the CLI (readable by this user only: it may hold the
 * Redis password), atomically, and removes the file when this process exits, however it exits.
 */
export async function writeDevServices(config: Config, file = devServicesFile): Promise<void> {
  const settings = Object.fromEntries(
    devServiceKeys.filter((key) => config[key] !== undefined).map((key) => [key, config[key]]),
  );
  const record: DevServicesRecord = { pid: process.pid, settings };
  await mkdir(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
  await rename(temporary, file);
  process.once('exit', () => removeDevServices(file));
}

/** Removes the file if this process wrote it (synchronous: it runs on `exit`). */
export function removeDevServices(file = devServicesFile): void {
  try {
    const record = JSON.parse(readFileSync(file, 'utf8')) as Partial<DevServicesRecord>;
    if (record.pid === process.pid) unlinkSync(file);
  } catch {
    // Gone already, or another dev's.
  }
}

/**
 * The settings of a running `dev`'s services, for a command's configuration; none in production,
 * without the file, or when the `dev` that wrote it no longer runs.
 */
export async function readDevServices(
  env: NodeJS.ProcessEnv = process.env,
  file = devServicesFile,
): Promise<Record<string, unknown> | undefined> {
  if (env.NODE_ENV === 'production') return undefined;
  let record: Partial<DevServicesRecord>;
  try {
    record = JSON.parse(await readFile(file, 'utf8')) as Partial<DevServicesRecord>;
  } catch {
    return undefined;
  }
  if (typeof record.pid !== 'number' || !isRunning(record.pid)) return undefined;
  if (typeof record.settings !== 'object' || record.settings === null) return undefined;
  // Only what reaches the services: the file cannot set anything else (app_key, say).
  const known = new Set<string>(devServiceKeys);
  return Object.fromEntries(Object.entries(record.settings).filter(([key]) => known.has(key)));
}
