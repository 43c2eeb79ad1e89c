import { mkdir, mkdtemp, open, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LatestResult } from '../../libraries/dataLogger';
import { fakeJobs } from '../harness/jobs';

const jobs = fakeJobs;

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'datalogger-'));
}

describe('LatestResult writes data_file atomically', () => {
  it('replaces the file instead of rewriting it: a reader that opened the previous version reads it whole', async () => {
    const file = join(await tempDir(), 'data.json');
    const logger = new LatestResult(file);
    const before = jobs(20, 'before');
    await logger.save(before);
    const reader = await open(file, 'r');
    try {
      await logger.save(jobs(40, 'after'));
      expect(JSON.parse(await reader.readFile('utf8'))).toEqual(before);
    } finally {
      await reader.close();
    }
    expect(await logger.read()).toHaveLength(40);
  });

  it('never shows a reader polling during multi-megabyte writes a partial file', async () => {
    const file = join(await tempDir(), 'data.json');
    const logger = new LatestResult(file);
    // About 7 MB each: fs writes that much in several chunks, so an in-place write is visible half done.
    const big = [jobs(3000, 'a'), jobs(3100, 'b'), jobs(3200, 'c')];
    await logger.save(jobs(1, 'first'));
    let writing = true;
    const seen: (number | string)[] = [];
    const reader = (async () => {
      while (writing) {
        const text = await readFile(file, 'utf8');
        try {
          seen.push((JSON.parse(text) as unknown[]).length);
        } catch {
          seen.push(`partial file of ${text.length} characters`);
        }
      }
    })();
    for (const value of big) await logger.save(value);
    writing = false;
    await reader;
    expect(seen.filter((entry) => typeof entry === 'string')).toEqual([]);
    expect(seen.length).toBeGreaterThan(1);
    expect(await logger.read()).toHaveLength(3200);
  });

  it('collapses a burst of saves into writing the newest value, and resolves them all', async () => {
    const logger = new LatestResult(join(await tempDir(), 'data.json'));
    const written: number[] = [];
    logger.onSaved((saved) => written.push(saved.length));
    const burst = [logger.save(jobs(1, 'a')), logger.save(jobs(2, 'b')), logger.save(jobs(3, 'c'))];
    await Promise.all(burst);
    expect(written).toEqual([3]);
    await logger.save(jobs(4, 'd'));
    expect(written).toEqual([3, 4]);
    expect((await logger.read()).map((job) => job.id)).toEqual(['d-0', 'd-1', 'd-2', 'd-3']);
  });

  it('lets flush() wait for the write in progress', async () => {
    const logger = new LatestResult(join(await tempDir(), 'data.json'));
    await logger.flush();
    void logger.save(jobs(5, 'f'));
    await logger.flush();
    expect(await logger.read()).toHaveLength(5);
  });

  it('rejects a failed write, leaves no temporary file, and writes again afterwards', async () => {
    const dir = await tempDir();
    const file = join(dir, 'data.json');
    // A non-empty directory where the file should be: the rename over it fails.
    await mkdir(join(file, 'blocker'), { recursive: true });
    const logger = new LatestResult(file);
    const failed = jobs(2, 'x');
    await expect(logger.save(failed)).rejects.toMatchObject({
      code: expect.stringMatching(/^(EISDIR|ENOTEMPTY|EEXIST|EPERM)$/),
    });
    expect(await readdir(dir)).toEqual(['data.json']);
    await expect(logger.read()).rejects.toMatchObject({ code: 'EISDIR' });

    await rm(file, { recursive: true });
    // The very array that failed is written when saved again: the file never held it.
    await logger.save(failed);
    expect((await logger.read()).map((job) => job.id)).toEqual(['x-0', 'x-1']);
    await logger.save(jobs(1, 'z'));
    expect((await logger.read()).map((job) => job.id)).toEqual(['z-0']);
  });

  it('reads an empty list from a file that holds no array', async () => {
    const file = join(await tempDir(), 'data.json');
    await writeFile(file, '{"jobs":[]}');
    expect(await new LatestResult(file).read()).toEqual([]);
  });
});
