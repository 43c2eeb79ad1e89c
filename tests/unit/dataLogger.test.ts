import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LatestResult } from '../../libraries/dataLogger';
import { fakeJobs } from '../harness/jobs';

const jobs = fakeJobs;

describe('LatestResult', () => {
  it('reads an empty list before anything was saved', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'datalogger-'));
    expect(await new LatestResult(join(dir, 'nested', 'data.json')).read()).toEqual([]);
  });

  it('never lets a reader see half a file while 100 writes race, and keeps the newest', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'datalogger-'));
    const file = join(dir, 'userdata', 'data.json');
    const logger = new LatestResult(file);
    const results = Array.from({ length: 100 }, (_, i) => jobs(50 + i, `r${i}`));
    await logger.save(results[0]!);
    let reads = 0;
    let writing = true;
    const reader = (async () => {
      while (writing) {
        const parsed: unknown = JSON.parse(await readFile(file, 'utf8'));
        expect(Array.isArray(parsed)).toBe(true);
        reads++;
      }
    })();
    await Promise.all(results.map((result) => logger.save(result)));
    writing = false;
    await reader;
    expect(reads).toBeGreaterThan(0);
    expect(await logger.read()).toEqual(results[99]);
    // No temporary files are left behind.
    expect(await readdir(join(dir, 'userdata'))).toEqual(['data.json']);
  });

  it('tells listeners about each completed write', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'datalogger-'));
    const logger = new LatestResult(join(dir, 'data.json'));
    const seen: number[] = [];
    const unsubscribe = logger.onSaved((saved) => seen.push(saved.length));
    await logger.save(jobs(3, 'a'));
    unsubscribe();
    await logger.save(jobs(4, 'b'));
    expect(seen).toEqual([3]);
  });

  it('removes the temporary files of crashed writers at start-up, keeping those of running processes and other files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'datalogger-'));
    // A process that has ended: its pid is free, as a SIGKILLed server's is.
    const ended = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
      encoding: 'utf8',
    });
    const deadPid = Number(ended.stdout);
    const left = [`data.json.${deadPid}.3.tmp`, `data.json.${deadPid}.4.tmp`];
    const kept = [`data.json.${process.ppid}.1.tmp`, 'data.json', 'other.json.1.1.tmp', 'data.json.bak'];
    for (const name of [...left, ...kept]) await writeFile(join(dir, name), '[');
    const removed = await new LatestResult(join(dir, 'data.json')).removeOrphans();
    expect(removed.sort()).toEqual(left.map((name) => join(dir, name)).sort());
    expect((await readdir(dir)).sort()).toEqual([...kept].sort());
  });

  it("removes this process's own temporary files only while it is not writing", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'datalogger-'));
    const own = `data.json.${process.pid}.999999.tmp`;
    await writeFile(join(dir, own), '[');
    const logger = new LatestResult(join(dir, 'data.json'));
    const saving = logger.save(jobs(1, 'w'));
    expect(await logger.removeOrphans()).toEqual([]);
    await saving;
    expect(await logger.removeOrphans()).toEqual([join(dir, own)]);
    expect(await readdir(dir)).toEqual(['data.json']);
  });

  it('writes nothing again when the array saved last is saved again', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'datalogger-'));
    const logger = new LatestResult(join(dir, 'data.json'));
    let writes = 0;
    logger.onSaved(() => writes++);
    const result = jobs(2, 's');
    await logger.save(result);
    await expect(logger.save(result)).resolves.toBeUndefined();
    expect(writes).toBe(1);
    await logger.save(jobs(2, 's'));
    expect(writes).toBe(2);
  });

  it('fails to look for orphans when the folder cannot be listed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'datalogger-'));
    await writeFile(join(dir, 'plain-file'), '');
    await expect(new LatestResult(join(dir, 'plain-file', 'data.json')).removeOrphans()).rejects.toMatchObject({
      code: 'ENOTDIR',
    });
  });

  it('finds no orphans when the folder does not exist yet', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'datalogger-'));
    expect(await new LatestResult(join(dir, 'missing', 'data.json')).removeOrphans()).toEqual([]);
  });
});
