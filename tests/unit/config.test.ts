import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../index';
import { exampleAppKey } from '../../config/schema';

const key = 'k'.repeat(40);
const noFile = '/nonexistent/secrets.json';

describe('loadConfig', () => {
  it('applies the contract defaults', () => {
    const config = loadConfig({ argv: [], env: { APP_KEY: key }, secretsFile: noFile });
    expect(config).toMatchObject({
      port: 3000,
      host: '0.0.0.0',
      token_ttl: 4 * 3600,
      bcrypt_rounds: 10,
      redis_host: '127.0.0.1',
      redis_port: 6379,
      redis_key_prefix: 'nodeLessons-',
      dynamodb_endpoint: 'http://localhost:8100',
      dynamodb_table_prefix: 'nodeLessons-',
      dynamodb_create_tables: true,
      aws_region: 'eu-central-1',
      s3_bucket: 'nodelessons-profile-images',
      jobs_provider: 'sample',
      jobs_cache_ttl_s: 300,
      jobs_timeout_ms: 5000,
      random_job_interval_ms: 3000,
      data_file: 'userdata/data.json',
      log_file: 'storage/logs/nodeJobs.log',
      socket_adapter: 'none',
    });
  });

  it('uses AWS and no table creation by default in production', () => {
    const config = loadConfig({ argv: [], env: { APP_KEY: key, NODE_ENV: 'production' }, secretsFile: noFile });
    expect(config.dynamodb_endpoint).toBeUndefined();
    expect(config.dynamodb_create_tables).toBe(false);
  });

  it('takes arguments over the environment over secrets.json over defaults, in either case', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'config-'));
    const secretsFile = join(dir, 'secrets.json');
    await writeFile(secretsFile, JSON.stringify({ app_key: key, port: 4000, redis_port: 7000, jobs_timeout_ms: 100 }));
    const config = loadConfig({ argv: ['--port', '5000', '--jobs-timeout-ms=200'], env: { PORT: '4500', redis_port: '7100' }, secretsFile });
    expect(config.port).toBe(5000);
    expect(config.jobs_timeout_ms).toBe(200);
    expect(config.redis_port).toBe(7100);
    expect(config.app_key).toBe(key);
  });

  it('stops on a missing app_key, naming the key', () => {
    expect(() => loadConfig({ argv: [], env: {}, secretsFile: noFile })).toThrow(ConfigError);
    expect(() => loadConfig({ argv: [], env: {}, secretsFile: noFile })).toThrow(/app_key/);
  });

  it('refuses the example app_key in production only', () => {
    expect(loadConfig({ argv: [], env: { APP_KEY: exampleAppKey }, secretsFile: noFile }).app_key).toBe(exampleAppKey);
    expect(() => loadConfig({ argv: [], env: { APP_KEY: exampleAppKey, NODE_ENV: 'production' }, secretsFile: noFile })).toThrow(/app_key.*example/);
  });

  it.each([
    ['port', '70000'],
    ['bcrypt_rounds', '3'],
    ['token_ttl', 'soon'],
    ['jobs_provider', 'monster'],
    ['dynamodb_create_tables', 'perhaps'],
    ['s3_endpoint', 'not a url'],
    ['app_key', 'short'],
    ['trust_proxy', 'every*body'],
  ])('names %s when its value is bad', (name, value) => {
    expect(() => loadConfig({ argv: [], env: { APP_KEY: key, [name]: value }, secretsFile: noFile })).toThrow(new RegExp(`"${name}"`));
  });

  it('requires jobs_api_url for the github provider', () => {
    expect(() => loadConfig({ argv: [], env: { APP_KEY: key, JOBS_PROVIDER: 'github' }, secretsFile: noFile })).toThrow(/"jobs_api_url"/);
  });

  it('names a secrets file that is not JSON', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'config-'));
    const secretsFile = join(dir, 'secrets.json');
    await writeFile(secretsFile, '{ not json');
    expect(() => loadConfig({ argv: [], env: { APP_KEY: key }, secretsFile })).toThrow(/secrets\.json/);
  });

  it('lists every key in config/secrets.json.example', async () => {
    const { configKeys } = await import('../../config/schema');
    const example = JSON.parse(await (await import('node:fs/promises')).readFile('config/secrets.json.example', 'utf8')) as Record<string, unknown>;
    expect(Object.keys(example).sort()).toEqual([...configKeys].sort());
  });
});
