import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readmeTable, readmeTableBounds, secretsExample } from '../../config/docs';
import { loadConfig } from '../../config/load';
import { configKeys, settings } from '../../config/schema';

const readme = () => readFile('README.md', 'utf8');
const example = () => readFile('config/secrets.json.example', 'utf8');
const fix = 'out of date with config/schema.ts: run npm run config:docs';

/** The rows of the README's configuration table, by the key in their first cell. */
async function readmeRows(): Promise<string[]> {
  const text = await readme();
  const section = text.slice(text.indexOf('## Configuration'), text.indexOf(readmeTableBounds.end));
  return [...section.matchAll(/^\| `(\w+)` \|/gm)].map((match) => match[1]!);
}

describe('the configuration documentation', () => {
  it('README.md has the configuration table of the schema', async () => {
    const text = await readme();
    const table = text
      .slice(
        text.indexOf(readmeTableBounds.start) + readmeTableBounds.start.length,
        text.indexOf(readmeTableBounds.end),
      )
      .trim();
    expect(table, `README.md ${fix}`).toBe(readmeTable());
  });

  it('the README table lists every key once, in the order of the schema', async () => {
    expect(await readmeRows()).toEqual([...configKeys]);
  });

  it('config/secrets.json.example is the schema example', async () => {
    expect(await example(), `config/secrets.json.example ${fix}`).toBe(secretsExample());
  });

  it('config/secrets.json.example sets every key to its default, except the keys given an example value', async () => {
    const values = JSON.parse(await example()) as Record<string, unknown>;
    expect(Object.keys(values)).toEqual([...configKeys]);
    // The example app_key itself is refused everywhere (it is public): a key of one's own stands in for it.
    const ownKey = { APP_KEY: 'a-key-of-our-own-that-is-long-enough-1234' };
    const fromExample = loadConfig({ argv: [], env: ownKey, secretsFile: 'config/secrets.json.example' });
    const defaults = loadConfig({ argv: [], env: ownKey, secretsFile: '/nonexistent/secrets.json' });
    const withExamples = configKeys.filter(
      (key) => settings[key].example !== undefined && settings[key].example !== '',
    );
    expect(withExamples).toEqual(['app_key', 'cors_origin']);
    expect({ ...fromExample, cors_origin: '*' }).toStrictEqual(defaults);
  });

  it('config/secrets.json.example names no local endpoint', async () => {
    const text = await example();
    const values = JSON.parse(text) as Record<string, unknown>;
    expect(text).not.toMatch(/localhost|\[::1\]/);
    const endpoints = Object.keys(values).filter((key) => /_(endpoint|url)$/.test(key));
    expect(endpoints).toEqual(expect.arrayContaining(['dynamodb_endpoint', 's3_endpoint', 'jobs_api_url']));
    for (const key of endpoints) expect(String(values[key]), key).not.toMatch(/127\.|localhost|::1/);
  });

  it('a copy of config/secrets.json.example with app_key, aws_region, s3_bucket and cors_origin filled in talks to AWS in production', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'secrets-'));
    const secretsFile = join(directory, 'secrets.json');
    const values = JSON.parse(await example()) as Record<string, unknown>;
    const filled = {
      ...values,
      app_key: 'a-production-secret-of-our-own-long-enough-1234',
      aws_region: 'eu-west-1',
      s3_bucket: 'acme-profile-images',
      cors_origin: 'https://jobs.acme.example',
    };
    await writeFile(secretsFile, JSON.stringify(filled));
    const config = loadConfig({ argv: [], env: { NODE_ENV: 'production' }, secretsFile });
    expect(config).toMatchObject({
      dynamodb_endpoint: undefined,
      s3_endpoint: undefined,
      dynamodb_create_tables: false,
      aws_region: 'eu-west-1',
      s3_bucket: 'acme-profile-images',
      cors_origin: 'https://jobs.acme.example',
    });
  });
});
