import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseConfig } from '../../index';
import { exampleAppKey } from '../../config/schema';

const key = 'k'.repeat(40);
const noFile = '/nonexistent/secrets.json';

describe('loadConfig', () => {
  it('applies the contract defaults to every key', () => {
    const config = loadConfig({ argv: [], env: { APP_KEY: key }, secretsFile: noFile });
    expect(config).toStrictEqual({
      env: 'development',
      port: 3000,
      host: '0.0.0.0',
      app_key: key,
      token_ttl: 4 * 3600,
      bcrypt_rounds: 10,
      redis_url: undefined,
      redis_tls_ca: undefined,
      redis_host: '127.0.0.1',
      redis_port: 6379,
      redis_password: undefined,
      redis_key_prefix: 'nodeLessons-',
      dynamodb_endpoint: 'http://localhost:8100',
      dynamodb_table_prefix: 'nodeLessons-',
      dynamodb_create_tables: true,
      dynamodb_timeout_ms: 3000,
      aws_region: 'eu-central-1',
      s3_bucket: 'nodelessons-profile-images',
      s3_endpoint: undefined,
      jobs_provider: 'sample',
      jobs_api_url: undefined,
      jobs_cache_ttl_s: 300,
      jobs_timeout_ms: 5000,
      random_job_interval_ms: 3000,
      data_file: 'userdata/data.json',
      log_file: 'storage/logs/nodeJobs.log',
      cors_origin: '*',
      socket_adapter: 'none',
      rate_limit_window_s: 60,
      rate_limit_login: 20,
      rate_limit_register: 10,
      rate_limit_search: 60,
      socket_rate_limit: 10,
      max_connections_per_ip: 256,
      trust_proxy: false,
      metrics: 'off',
      metrics_host: '127.0.0.1',
      workers: 1,
      shutdown_delay_s: 5,
      shutdown_timeout_s: 30,
      keep_alive_timeout_s: 65,
    });
  });

  it('reads workers as a count or auto, and keeps the shutdown delay below its timeout, naming the keys', () => {
    expect(parseConfig({ app_key: key, workers: '4' }).workers).toBe(4);
    expect(parseConfig({ app_key: key, workers: 'AUTO' }).workers).toBe('auto');
    expect(() => parseConfig({ app_key: key, workers: '0' })).toThrow(/"workers": must be auto or a whole number/);
    expect(() => parseConfig({ app_key: key, workers: 'many' })).toThrow(/"workers"/);
    expect(() => parseConfig({ app_key: key, shutdown_delay_s: 30, shutdown_timeout_s: 30 })).toThrow(
      /"shutdown_delay_s": must be below shutdown_timeout_s \(30 s\)/,
    );
    expect(parseConfig({ app_key: key, shutdown_delay_s: 0, shutdown_timeout_s: 1 }).shutdown_delay_s).toBe(0);
  });

  it('reads metrics as off, on or a port, and refuses anything else naming the key', () => {
    expect(parseConfig({ app_key: key, metrics: 'on' }).metrics).toBe('on');
    expect(parseConfig({ app_key: key, metrics: 'OFF' }).metrics).toBe('off');
    expect(parseConfig({ app_key: key, metrics: '9464' }).metrics).toBe(9464);
    expect(parseConfig({ app_key: key, metrics: 9464 }).metrics).toBe(9464);
    expect(() => parseConfig({ app_key: key, metrics: 'sometimes' })).toThrow(
      /"metrics": must be off, on or a port number/,
    );
    expect(() => parseConfig({ app_key: key, metrics: '70000' })).toThrow(/"metrics"/);
  });

  it('gives keys left out of parseConfig their defaults, like keys left blank', () => {
    expect(parseConfig({ app_key: key })).toStrictEqual(
      loadConfig({ argv: [], env: { APP_KEY: key }, secretsFile: noFile }),
    );
  });

  it('uses AWS and no table creation by default in production', () => {
    const config = loadConfig({ argv: [], env: { APP_KEY: key, NODE_ENV: 'production' }, secretsFile: noFile });
    expect(config.env).toBe('production');
    expect(config.dynamodb_endpoint).toBeUndefined();
    expect(config.dynamodb_create_tables).toBe(false);
  });

  it('takes arguments over the environment over secrets.json over defaults, in either case', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'config-'));
    const secretsFile = join(dir, 'secrets.json');
    await writeFile(secretsFile, JSON.stringify({ app_key: key, port: 4000, redis_port: 7000, jobs_timeout_ms: 100 }));
    const config = loadConfig({
      argv: ['--port', '5000', '--jobs-timeout-ms=200'],
      env: { PORT: '4500', redis_port: '7100' },
      secretsFile,
    });
    expect(config.port).toBe(5000);
    expect(config.jobs_timeout_ms).toBe(200);
    expect(config.redis_port).toBe(7100);
    expect(config.app_key).toBe(key);
  });

  it('stops on a missing app_key, naming the key', () => {
    expect(() => loadConfig({ argv: [], env: {}, secretsFile: noFile })).toThrow(ConfigError);
    expect(() => loadConfig({ argv: [], env: {}, secretsFile: noFile })).toThrow(/app_key/);
  });

  it.each([{}, { NODE_ENV: 'production' }, { NODE_ENV: 'development' }, { NODE_ENV: 'test' }])(
    'refuses the example app_key in every environment (%o)',
    (env) => {
      expect(() => loadConfig({ argv: [], env: { APP_KEY: exampleAppKey, ...env }, secretsFile: noFile })).toThrow(
        /app_key.*example/,
      );
    },
  );

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
    expect(() => loadConfig({ argv: [], env: { APP_KEY: key, [name]: value }, secretsFile: noFile })).toThrow(
      new RegExp(`"${name}"`),
    );
  });

  it('requires jobs_api_url for the github provider', () => {
    expect(() => loadConfig({ argv: [], env: { APP_KEY: key, JOBS_PROVIDER: 'github' }, secretsFile: noFile })).toThrow(
      /"jobs_api_url"/,
    );
  });

  it('names a secrets file that is not JSON', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'config-'));
    const secretsFile = join(dir, 'secrets.json');
    await writeFile(secretsFile, '{ not json');
    expect(() => loadConfig({ argv: [], env: { APP_KEY: key }, secretsFile })).toThrow(/secrets\.json/);
  });

  it('stops on a key that is not a configuration key, in secrets.json or given to parseConfig', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'config-'));
    const secretsFile = join(dir, 'secrets.json');
    await writeFile(secretsFile, JSON.stringify({ app_key: key, redis_prot: 7000 }));
    expect(() => loadConfig({ argv: [], env: {}, secretsFile })).toThrow(/"redis_prot": is not a configuration key/);
    expect(() => parseConfig({ app_key: key, jobs_timeout: 5 })).toThrow(/"jobs_timeout": is not a configuration key/);
  });

  it('never echoes a secret in an error message', () => {
    expect(() => loadConfig({ argv: [], env: { APP_KEY: 'short-secret-value' }, secretsFile: noFile })).toThrow(
      /^(?!.*short-secret-value).*"app_key": must be text of at least 32 characters\.$/,
    );
  });
});

describe('loadConfig command-line arguments', () => {
  const load = (argv: string[]) => loadConfig({ argv, env: { APP_KEY: key }, secretsFile: noFile });

  it('reads -p as the port, in either form', () => {
    expect(load(['-p', '3001']).port).toBe(3001);
    expect(load(['-p3002']).port).toBe(3002);
  });

  it('reads --key value, --key=value and the hyphenated spelling', () => {
    expect(load(['--redis_port', '7001', '--jobs-timeout-ms', '250', '--host=127.0.0.1'])).toMatchObject({
      redis_port: 7001,
      jobs_timeout_ms: 250,
      host: '127.0.0.1',
    });
  });

  it('takes a valueless switch as true without swallowing the next argument', () => {
    const config = loadConfig({
      argv: ['--dynamodb_create_tables', '--port', '5000'],
      env: { APP_KEY: key, NODE_ENV: 'production' },
      secretsFile: noFile,
    });
    expect(config.dynamodb_create_tables).toBe(true);
    expect(config.port).toBe(5000);
  });

  it('names a valueless key that needs a value instead of taking the next argument', () => {
    expect(() => load(['--host', '--port', '5000'])).toThrow(/"host": needs a value/);
  });

  it('leaves arguments that are not configuration keys alone', () => {
    expect(load(['--verbose', '--port', '5001', 'extra']).port).toBe(5001);
  });
});
