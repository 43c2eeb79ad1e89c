import { EventEmitter } from 'node:events';
import type { Job } from '../client/types';
import type { AppLogger } from './appLogger';
import { LatestResult } from './dataLogger';
import { messageOf } from './errors';
import { RecurringFault } from './recurringFault';
import type { Redis } from './redis';

/** The Redis key of the size of the service's latest search result (under the key prefix). */
export const latestResultSizeKey = 'latest-result:size';

/**
 * The latest search result of the whole service: each process saves its results to its own
 * `data_file` (a `LatestResult`), and every save also stores the result's size in Redis, which
 * every process reads — so the statistics are the same whichever process answers. A result saved
 * again (a search answered from the cache) is stored again only when it is not the one this
 * process stored last. A save never fails: a file that cannot be written (a full disk) keeps its
 * previous content and is reported at most once a minute, Redis away once while it lasts.
 */
export class SharedLatestResult extends LatestResult {
  private readonly shares = new EventEmitter();
  private lastShared: Job[] | undefined;
  private failing = false;
  private readonly fileFault: RecurringFault;

  /**
   * @param file path of the JSON file (`data_file`)
   * @param redis where the size is shared
   * @param logger told when the file cannot be written or Redis does not take the size (the search itself still answers)
   */
  constructor(
    file: string,
    private readonly redis: Redis,
    private readonly logger: AppLogger,
  ) {
    super(file);
    this.fileFault = new RecurringFault({
      subject: `data_file ${file} cannot be saved; searches still answer`,
      logger,
    });
  }

  /** Saves `jobs` to the file and their number to Redis; resolves once both are done. A failure of either is logged, never thrown. */
  override async save(jobs: Job[]): Promise<void> {
    await Promise.all([this.saveFile(jobs), this.share(jobs)]);
  }

  /** Whether `save(jobs)` would do nothing: the file holds them and Redis has their size from this process. */
  override holds(jobs: Job[]): boolean {
    return super.holds(jobs) && jobs === this.lastShared;
  }

  /** Stops reporting (the server closes). */
  close(): void {
    this.fileFault.close();
  }

  private async saveFile(jobs: Job[]): Promise<void> {
    try {
      await super.save(jobs);
    } catch (error) {
      // The previous file stays whole (writes go to a temporary file renamed over it).
      this.fileFault.occurred(messageOf(error));
      return;
    }
    this.fileFault.recover();
  }

  /** The number of jobs in the latest result of the service: what Redis holds, else (nothing saved yet, or Redis away) this process's file. */
  async size(): Promise<number> {
    try {
      const [stored] = await this.redis.getMany([latestResultSizeKey]);
      if (stored !== null && stored !== undefined && /^\d+$/.test(stored)) return Number(stored);
    } catch {
      // Redis away: this process's own result is the best answer left.
    }
    return (await this.read()).length;
  }

  /** Calls `listener` with the size of every result this process stores in Redis. Returns the unsubscribe. */
  onShared(listener: (size: number) => void): () => void {
    this.shares.on('shared', listener);
    return () => this.shares.off('shared', listener);
  }

  private async share(jobs: Job[]): Promise<void> {
    if (jobs === this.lastShared) return;
    this.lastShared = jobs;
    try {
      await this.redis.set(latestResultSizeKey, String(jobs.length));
      this.failing = false;
    } catch (error) {
      // Not stored: the next save of the same result must try again.
      if (this.lastShared === jobs) this.lastShared = undefined;
      if (!this.failing)
        this.logger.warn(`The latest search result is not shared while Redis fails: ${messageOf(error)}`);
      this.failing = true;
      return;
    }
    this.shares.emit('shared', jobs.length);
  }
}
