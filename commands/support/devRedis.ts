import IORedis from 'ioredis';
import { freePort } from '../../devtools/localStack';

/** Where the redis-server that `dev` starts keeps its data (append-only file), relative to the working directory. */
export const devRedisDirectory = 'storage/redis';

/** The data directory of a redis-server started by a `dev`: `<folder>/storage/redis`, or `…/storage/redis-<port>`. */
const devRedisDirectoryPattern = /[/\\]storage[/\\]redis(-\d+)?$/;

/**
 * Whether the Redis answering at `host:port` was started by another `node-jobs dev` (its data
 * directory is a dev's), and so stops when that dev stops. What cannot be asked (a password this
 * dev lacks, `CONFIG` renamed away) counts as no.
 */
export async function isAnotherDevsRedis(host: string, port: number, password?: string): Promise<boolean> {
  const redis = new IORedis({
    host,
    port,
    password,
    lazyConnect: true,
    connectTimeout: 2000,
    commandTimeout: 2000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    const answer = (await redis.config('GET', 'dir')) as string[];
    return devRedisDirectoryPattern.test(answer[1] ?? '');
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

/** The Redis of a `dev`: one it starts (on `port`, data in `dataDirectory`), or one already running that it uses. */
export type DevRedis = { start: true; port: number; dataDirectory: string } | { start: false; port: number };

/**
 * Chooses dev's Redis: the configured port when nothing answers there (dev starts redis-server on
 * it); the Redis already answering there (a system service, a container); or, when that one is
 * another dev's — it would vanish when that dev stops — a redis-server of its own on a free port,
 * with a data directory of its own.
 * @param log tells the user which it chose when it is not the plain case
 */
export async function chooseDevRedis(
  settings: { redis_host: string; redis_port: number; redis_password?: string | undefined },
  answers: (port: number, host: string) => Promise<boolean>,
  log: (line: string) => void = (line) => console.log(line),
): Promise<DevRedis> {
  const { redis_host: host, redis_port: port } = settings;
  if (!(await answers(port, host))) return { start: true, port, dataDirectory: devRedisDirectory };
  if (!(await isAnotherDevsRedis(host, port, settings.redis_password))) {
    log(`Redis: using the server already on ${host}:${port}`);
    return { start: false, port };
  }
  const own = await freePort();
  log(`Redis: port ${port} is another dev's redis-server (it stops with that dev); using ${own}.`);
  return { start: true, port: own, dataDirectory: `${devRedisDirectory}-${own}` };
}
