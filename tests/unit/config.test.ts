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
      token_ttl: 15 * 60,
      refresh_token_ttl: 30 * 86_400,
      bcrypt_rounds: 10,
      redis_url: undefined,
      redis_tls_ca: undefined,
      redis_host: '127.0.0.1',
      redis_port: 6379,
      redis_password: undefined,
      redis_key_prefix: 'nodeLessons-',
      dynamodb_endpoint: undefined,
      dynamodb_table_prefix: 'nodeLessons-',
      dynamodb_create_tables: true,
      dynamodb_timeout_ms: 3000,
      aws_region: 'eu-central-1',
      s3_bucket: 'nodelessons-profile-images',
      s3_endpoint: undefined,
      s3_public_url: undefined,
      jobs_provider: 'sample',
      jobs_api_url: undefined,
      jobs_cache_ttl_s: 300,
      jobs_timeout_ms: 5000,
      random_job_interval_ms: 3000,
      data_file: 'userdata/data.json',
      log_file: 'storage/logs/nodeJobs.log',
      cors_origin: '*',
      public_url: undefined,
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
      app_url: undefined,
      smtp_url: undefined,
      mail_from: 'node-jobs <no-reply@localhost>',
      mail_attempts: 12,
      mail_retry_delay_ms: 30_000,
      rate_limit_password_reset: 5,
      rate_limit_password_reset_email: 3,
      rate_limit_email_verification: 3,
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

  it('talks to AWS unless told otherwise, in every environment (dev passes its local endpoints itself)', () => {
    for (const NODE_ENV of ['development', 'production']) {
      const config = loadConfig({
        argv: [],
        env: { APP_KEY: key, NODE_ENV, CORS_ORIGIN: 'https://app.example.com' },
        secretsFile: noFile,
      });
      expect(config.dynamodb_endpoint).toBeUndefined();
      expect(config.s3_endpoint).toBeUndefined();
    }
  });

  it('refuses cors_origin * in production at start-up, naming the key', () => {
    const production = (cors_origin: string) =>
      loadConfig({ argv: [], env: { APP_KEY: key, NODE_ENV: 'production', cors_origin }, secretsFile: noFile });
    expect(() => production('*')).toThrow(/^Configuration "cors_origin": .*real origins/);
    expect(() => production('https://app.example.com, *')).toThrow(/"cors_origin"/);
    expect(() => parseConfig({ app_key: key }, 'production')).toThrow(/"cors_origin"/);
    expect(production('https://app.example.com,https://admin.example.com').cors_origin).toBe(
      'https://app.example.com,https://admin.example.com',
    );
    expect(parseConfig({ app_key: key, cors_origin: '*' }, 'development').cors_origin).toBe('*');
  });

  it.each(['public_url', 's3_public_url'])('reads %s as an http(s) URL, naming the key otherwise', (name) => {
    expect(parseConfig({ app_key: key, [name]: 'https://cdn.example.com' })[name as 'public_url']).toBe(
      'https://cdn.example.com',
    );
    expect(() => parseConfig({ app_key: key, [name]: 'cdn.example.com' })).toThrow(new RegExp(`"${name}"`));
  });

  it('uses AWS, no table creation and the request log on standard output by default in production', () => {
    const config = loadConfig({
      argv: [],
      env: { APP_KEY: key, NODE_ENV: 'production', CORS_ORIGIN: 'https://app.example.com' },
      secretsFile: noFile,
    });
    expect(config.env).toBe('production');
    expect(config.dynamodb_endpoint).toBeUndefined();
    expect(config.dynamodb_create_tables).toBe(false);
    expect(config.log_file).toBe('-');
  });

  it('keeps a log_file set in production', () => {
    const config = loadConfig({
      argv: ['--log_file', '/var/log/node-jobs.log'],
      env: { APP_KEY: key, NODE_ENV: 'production', CORS_ORIGIN: 'https://app.example.com' },
      secretsFile: noFile,
    });
    expect(config.log_file).toBe('/var/log/node-jobs.log');
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

  it("takes a running dev's services below the arguments and the environment, above secrets.json", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'config-'));
    const secretsFile = join(dir, 'secrets.json');
    await writeFile(
      secretsFile,
      JSON.stringify({ app_key: key, redis_port: 7000, s3_endpoint: 'http://127.0.0.1:4569' }),
    );
    const config = loadConfig({
      argv: ['--dynamodb_endpoint', 'http://127.0.0.1:9001'],
      env: { REDIS_KEY_PREFIX: 'mine-' },
      devServices: {
        dynamodb_endpoint: 'http://localhost:8100',
        redis_port: 7100,
        redis_key_prefix: 'dev-',
        s3_endpoint: 'http://localhost:4600',
      },
      secretsFile,
    });
    expect(config).toMatchObject({
      dynamodb_endpoint: 'http://127.0.0.1:9001',
      redis_key_prefix: 'mine-',
      redis_port: 7100,
      s3_endpoint: 'http://localhost:4600',
      app_key: key,
    });
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

  it('reads smtp_url as an smtp:// or smtps:// URL, never echoing it (it holds a password)', () => {
    expect(parseConfig({ app_key: key, smtp_url: 'smtps://ada:secret@mail.example:465' }).smtp_url).toBe(
      'smtps://ada:secret@mail.example:465',
    );
    expect(parseConfig({ app_key: key, smtp_url: 'smtp://127.0.0.1:1025' }).smtp_url).toBe('smtp://127.0.0.1:1025');
    for (const bad of ['https://ada:secret@mail.example', 'mail.example:25', 'smtp://'])
      expect(() => parseConfig({ app_key: key, smtp_url: bad })).toThrow(
        /^(?!.*secret)Configuration "smtp_url": must be an smtp:\/\/ or smtps:\/\/ URL\.$/,
      );
  });

  it('requires mail_from, and app_url in production, when smtp_url is set; a sender must be an address', () => {
    const smtp = {
      app_key: key,
      cors_origin: 'https://app.example.com',
      smtp_url: 'smtps://ada:secret@mail.example:465',
    };
    expect(() => parseConfig(smtp, 'production')).toThrow(/"mail_from": is required when smtp_url is set/);
    expect(() => parseConfig({ ...smtp, mail_from: 'no-reply@jobs.example' }, 'production')).toThrow(
      /"app_url": is required in production when smtp_url is set/,
    );
    const config = parseConfig(
      { ...smtp, mail_from: 'Jobs <no-reply@jobs.example>', app_url: 'https://jobs.example' },
      'production',
    );
    expect(config).toMatchObject({ mail_from: 'Jobs <no-reply@jobs.example>', app_url: 'https://jobs.example' });
    // Without smtp_url, production needs neither: no mail is sent.
    expect(parseConfig({ app_key: key, cors_origin: 'https://app.example.com' }, 'production')).toMatchObject({
      mail_from: undefined,
      app_url: undefined,
    });
    // Outside production the links go to the server's own console.
    expect(parseConfig(smtp).app_url).toBeUndefined();
    expect(() => parseConfig({ app_key: key, mail_from: 'nobody' })).toThrow(/"mail_from": must be an address/);
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
      env: { APP_KEY: key, NODE_ENV: 'production', CORS_ORIGIN: 'https://app.example.com' },
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
