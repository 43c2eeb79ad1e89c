import { EventEmitter } from 'node:events';
import { mkdir, readdir, readFile, rename, writeFile, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Job } from '../client/types';

let temporaryCounter = 0;

/** Tells whether a process runs (one we may not signal runs too). */
function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The latest search result (`data_file`), saved and read back; the seed's Data Logger path. Writes go to a temporary file that is
 * then renamed over the target, so a reader never sees half a file; they are serialized, and a
 * burst of writes collapses into writing only the newest value.
 */
export class LatestResult {
  private readonly events = new EventEmitter();
  private latest: Job[] | undefined;
  /** The value the file holds, or will hold once the writes in progress end. */
  private newest: Job[] | undefined;
  private writing: Promise<void> | undefined;

  /** @param file path of the JSON file */
  constructor(readonly file: string) {}

  /**
   * Saves `jobs` as the latest result. Resolves once a write that includes them (or a newer
   * value) is on disk. Saving the very array saved last (a cached search result, never mutated)
   * writes nothing again.
   */
  save(jobs: Job[]): Promise<void> {
    if (jobs === this.newest) return this.writing ?? Promise.resolve();
    this.newest = jobs;
    this.latest = jobs;
    this.writing ??= this.drain().finally(() => {
      this.writing = undefined;
    });
    return this.writing;
  }

  /** Whether `save(jobs)` would write nothing and wait for nothing: they are the file's content, all written. */
  holds(jobs: Job[]): boolean {
    return jobs === this.newest && this.writing === undefined;
  }

  /** Reads the saved jobs; an empty list when nothing was saved yet. */
  async read(): Promise<Job[]> {
    try {
      const parsed: unknown = JSON.parse(await readFile(this.file, 'utf8'));
      return Array.isArray(parsed) ? (parsed as Job[]) : [];
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  }

  /** Calls `listener` with the jobs of every completed write. Returns the unsubscribe. */
  onSaved(listener: (jobs: Job[]) => void): () => void {
    this.events.on('saved', listener);
    return () => this.events.off('saved', listener);
  }

  /**
   * Removes the temporary files that writes of crashed processes left beside the file
   * (`<file>.<pid>.<n>.tmp` of a process that no longer runs; another live server's are kept).
   * @returns the paths removed
   */
  async removeOrphans(): Promise<string[]> {
    const directory = dirname(this.file);
    const pattern = new RegExp(`^${escapeRegExp(basename(this.file))}\\.(\\d+)\\.\\d+\\.tmp$`);
    let names: string[];
    try {
      names = await readdir(directory);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const orphans = names.filter((name) => {
      const pid = Number(pattern.exec(name)?.[1]);
      return Number.isInteger(pid) && pid > 0 && (pid === process.pid ? this.writing === undefined : !processRuns(pid));
    });
    const paths = orphans.map((name) => join(directory, name));
    await Promise.all(paths.map((path) => rm(path, { force: true })));
    return paths;
  }

  /** Waits for writes in progress. */
  async flush(): Promise<void> {
    await this.writing;
  }

  private async drain(): Promise<void> {
    await mkdir(dirname(this.file), { recursive: true });
    while (this.latest !== undefined) {
      const jobs = this.latest;
      this.latest = undefined;
      const temporary = `${this.file}.${process.pid}.${++temporaryCounter}.tmp`;
      try {
        await writeFile(temporary, JSON.stringify(jobs, null, 2));
        await rename(temporary, this.file);
      } catch (error) {
        await rm(temporary, { force: true });
        // The file does not hold it: a later save of the same value must write again.
        if (this.newest === jobs) this.newest = undefined;
        throw error;
      }
      this.events.emit('saved', jobs);
    }
  }
}
