import { readdir, readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { lowerThreadPoolPriority, threadPoolNice } from '../../libraries/threadPool';

/** The nice value of each libuv worker thread of this process, from /proc. */
async function workerNiceValues(): Promise<number[]> {
  const values: number[] = [];
  for (const thread of await readdir('/proc/self/task')) {
    if ((await readFile(`/proc/self/task/${thread}/comm`, 'utf8')).trim() !== 'libuv-worker') continue;
    // Field 19 of stat is the nice value; the fields after the command name start at field 3.
    const stat = await readFile(`/proc/self/task/${thread}/stat`, 'utf8');
    values.push(Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]));
  }
  return values;
}

describe.skipIf(process.platform !== 'linux')('the thread pool where bcrypt hashes', () => {
  it('runs every libuv worker thread at nice 10 once lowered, and the main thread at its own', async () => {
    const lowered = await lowerThreadPoolPriority();
    const values = await workerNiceValues();
    expect(values.length).toBeGreaterThanOrEqual(1);
    expect(lowered).toBe(values.length);
    expect(values).toEqual(values.map(() => threadPoolNice));
    const main = await readFile('/proc/self/stat', 'utf8');
    expect(Number(main.slice(main.lastIndexOf(')') + 2).split(' ')[16])).toBeLessThan(threadPoolNice);
  });
});
