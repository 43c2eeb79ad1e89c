import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { waitUntil } from '../../devtools/localStack';
import { isAlive } from '../harness/cli';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** Runs a script that starts redis-server through devtools/localStack, prints its pid, then ends as `ending` says. */
async function redisPidAfter(ending: string): Promise<{ pid: number; code: number | null }> {
  const script = `
    import { freePort, startRedisServer } from ${JSON.stringify(`${root}devtools/localStack.ts`)};
    const redis = await startRedisServer({ port: await freePort() });
    console.log('pid', redis.pid);
    ${ending}
  `;
  const child = spawn(
    process.execPath,
    ['--import', `${root}node_modules/tsx/dist/loader.mjs`, '--input-type=module', '-e', script],
    { cwd: root },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const pid = Number(/pid (\d+)/.exec(output)?.[1]);
  if (!pid) throw new Error(`No redis-server pid printed:\n${output}`);
  return { pid, code };
}

describe('services started by devtools/localStack (as dev starts them)', () => {
  it.each([
    ['an uncaught exception', "setTimeout(() => { throw new Error('crash'); }, 10);"],
    ['an unhandled rejection', "Promise.reject(new Error('crash'));"],
    ['process.exit', 'process.exit(3);'],
  ])(
    'end with the process that started them, after %s',
    async (_how, ending) => {
      const { pid, code } = await redisPidAfter(ending);
      expect(code).not.toBe(0);
      await waitUntil(async () => !isAlive(pid), 10_000, 'redis-server to end with its parent');
    },
    60_000,
  );
});
