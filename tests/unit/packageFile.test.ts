import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageFile, packageVersion } from '../../libraries/packageFile';

describe('packageFile', () => {
  it('resolves paths inside the package root and reads its version', async () => {
    const manifest = JSON.parse(await readFile(packageFile('package.json'), 'utf8')) as {
      name: string;
      version: string;
    };
    expect(manifest.name).toBe('node-jobs');
    expect(packageFile('data/sample-jobs.json')).toBe(join(process.cwd(), 'data/sample-jobs.json'));
    expect(packageVersion()).toBe(manifest.version);
  });
});
