import { randomFill } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { setPriority } from 'node:os';

/** The nice value of libuv's worker threads once lowered: CPU for them only when the event loop has what it needs. */
export const threadPoolNice = 10;

/** Starts libuv's thread pool if it is not running yet (it starts on first use). */
const poolStarted = () => new Promise<void>((resolve) => randomFill(Buffer.alloc(1), () => resolve()));

/**
 * Lowers the CPU priority of libuv's worker threads (nice 10), where bcrypt hashes: on a machine
 * with fewer cores than the pool has threads, four hashes at normal priority take the cores from
 * the event loop, and every request and socket waits (event-loop delay p99 of 110–130 ms during
 * 20 concurrent logins on 2 cores, 25–40 ms after). The hashes lose nothing when the loop is idle.
 * Linux only (threads are found in `/proc/self/task` by libuv's name for them); elsewhere a no-op.
 * @returns how many threads were lowered
 */
export async function lowerThreadPoolPriority(): Promise<number> {
  if (process.platform !== 'linux') return 0;
  await poolStarted();
  let lowered = 0;
  for (const thread of await readdir('/proc/self/task').catch(() => [])) {
    const name = await readFile(`/proc/self/task/${thread}/comm`, 'utf8').catch(() => '');
    if (name.trim() !== 'libuv-worker') continue;
    try {
      // On Linux a thread id names that one thread for setpriority.
      setPriority(Number(thread), threadPoolNice);
      lowered++;
    } catch {
      // A thread that ended meanwhile, or a system that refuses: the pool keeps its priority.
    }
  }
  return lowered;
}
