import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { readmeTableBounds, withReadmeTable } from '../../config/docs';
import { loadConfig } from '../../config/load';
import {
  duration,
  flag,
  httpUrl,
  isBlank,
  longText,
  metricsMode,
  oneOf,
  optional,
  parseDuration,
  text,
  trustProxy,
  wholeNumber,
  type Kind,
} from '../../config/kinds';
import { addConfigOptions, configValuesOf, parseConfigArgv } from '../../config/options';
import { ConfigError, corsOrigins, defaultOf, parseConfig, settings } from '../../config/schema';

/** What a kind reads from each raw value: the value, or the error message. */
const readAll = <T>(kind: Kind<T>, values: unknown[]) =>
  values.map((value) => {
    const read = kind.schema.safeParse(value);
    return read.success ? read.data : read.error.issues.map((issue) => issue.message).join('; ');
  });

const key = 'k'.repeat(40);

describe('the configuration kinds', () => {
  it('text takes strings and the digits of numbers, nothing else', () => {
    expect(readAll(text, ['abc', 42, true, {}, null])).toEqual([
      'abc',
      '42',
      'must be text',
      'must be text',
      'must be text',
    ]);
    expect([text.accepts, text.placeholder, text.optional, text.switch]).toEqual(['text', 'text', false, false]);
  });

  it('longText takes text of at least its length', () => {
    const kind = longText(4);
    expect(readAll(kind, ['abcd', 'abc', 12345, false])).toEqual([
      'abcd',
      'must be text of at least 4 characters',
      '12345',
      'must be text of at least 4 characters',
    ]);
    expect(kind.placeholder).toBe('text');
  });

  it('wholeNumber takes whole numbers within its bounds, also as trimmed digits', () => {
    const kind = wholeNumber(4, 15);
    expect(readAll(kind, [4, 15, ' 10 ', '3', 16, 4.5, '', 'ten', true])).toEqual([
      4,
      15,
      10,
      'must be a whole number from 4 to 15',
      'must be a whole number from 4 to 15',
      'must be a whole number from 4 to 15',
      'must be a whole number from 4 to 15',
      'must be a whole number from 4 to 15',
      'must be a whole number from 4 to 15',
    ]);
    expect([kind.placeholder, kind.optional, kind.switch]).toEqual(['n', false, false]);
  });

  it('flag reads true, false and their spellings in any case, and is a switch', () => {
    expect(readAll(flag, [true, false, 'TRUE', ' 1 ', 'yes', 'On', 'false', '0', 'NO', 'off', 'maybe', 2])).toEqual([
      true,
      false,
      true,
      true,
      true,
      true,
      false,
      false,
      false,
      false,
      'must be true or false',
      'must be true or false',
    ]);
    expect([flag.placeholder, flag.switch]).toEqual(['true|false', true]);
  });

  it('oneOf takes one of its names, trimmed, and lists them', () => {
    const kind = oneOf(['none', 'redis']);
    expect(readAll(kind, ['redis', ' none ', 'Redis', '', 1, {}])).toEqual([
      'redis',
      'none',
      'must be one of none, redis',
      'must be one of none, redis',
      'must be one of none, redis',
      'must be one of none, redis',
    ]);
    expect(kind.placeholder).toBe('none|redis');
  });

  it('httpUrl takes http and https URLs only', () => {
    expect(readAll(httpUrl, ['http://a.example', 'https://b.example:8443/x', 'ftp://c.example', 'nope', 5])).toEqual([
      'http://a.example',
      'https://b.example:8443/x',
      'must be an http(s) URL',
      'must be an http(s) URL',
      'must be an http(s) URL',
    ]);
  });

  it('parseDuration reads seconds, minutes, hours and days, in either case and with spaces', () => {
    expect(['90', '90s', '30m', '4h', '2d', ' 3 H ', '2D', '1x', '-5', '', 'h'].map(parseDuration)).toEqual([
      90,
      90,
      1800,
      14400,
      172800,
      10800,
      172800,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('duration takes at least one second', () => {
    expect(readAll(duration, ['4h', 60, '1', '0', '0s', 'soon', true])).toEqual([
      14400,
      60,
      1,
      'must be a duration such as 4h, 30m or 3600',
      'must be a duration such as 4h, 30m or 3600',
      'must be a duration such as 4h, 30m or 3600',
      'must be a duration such as 4h, 30m or 3600',
    ]);
  });

  it('trustProxy takes booleans, their spellings, hop counts and address lists', () => {
    expect(
      readAll(trustProxy, [
        true,
        'YES',
        'on',
        'false',
        'No',
        'OFF',
        '2',
        3,
        ' loopback, 10.0.0.0/8 ',
        'fe80::1',
        'a*b',
        {},
      ]),
    ).toEqual([
      true,
      true,
      true,
      false,
      false,
      false,
      2,
      3,
      'loopback, 10.0.0.0/8',
      'fe80::1',
      'must be true, false, a number of hops or a list of addresses',
      'must be true, false, a number of hops or a list of addresses',
    ]);
    expect(trustProxy.switch).toBe(true);
    // Only whole words are booleans and only whole digit runs are hop counts; the rest are addresses.
    expect(readAll(trustProxy, ['online', 'casino', 'node1', '10.0.0.1', '12'])).toEqual([
      'online',
      'casino',
      'node1',
      '10.0.0.1',
      12,
    ]);
  });

  it('metricsMode takes off, on, their boolean spellings and ports up to 65535', () => {
    expect(readAll(metricsMode, ['off', 'FALSE', 'on', 'true', 0, '65535', '65536', '-1', '', true])).toEqual([
      'off',
      'off',
      'on',
      'on',
      0,
      65535,
      'must be off, on or a port number (0 = any free port)',
      'must be off, on or a port number (0 = any free port)',
      'must be off, on or a port number (0 = any free port)',
      'must be off, on or a port number (0 = any free port)',
    ]);
  });

  it('optional keeps the kind and marks it optional; blank means undefined, null or empty text', () => {
    expect(optional(text)).toEqual({ ...text, optional: true });
    expect([undefined, null, '', ' ', 0, false].map(isBlank)).toEqual([true, true, true, false, false, false]);
  });
});

describe('the configuration schema', () => {
  it('splits cors_origin on commas, trimming and dropping empty entries', () => {
    expect(corsOrigins({ cors_origin: ' https://a.example , ,https://b.example,' })).toEqual([
      'https://a.example',
      'https://b.example',
    ]);
    expect(corsOrigins({ cors_origin: '*' })).toEqual(['*']);
  });

  it('reads a default by environment', () => {
    expect(defaultOf(settings.dynamodb_create_tables, false)).toBe(true);
    expect(defaultOf(settings.dynamodb_create_tables, true)).toBe(false);
    expect(defaultOf(settings.port, true)).toBe(3000);
    expect(defaultOf(settings.s3_endpoint, false)).toBeUndefined();
  });

  it('names the key, the rule and the value given in a ConfigError', () => {
    const error = (() => {
      try {
        parseConfig({ app_key: key, port: 'eighty' });
      } catch (thrown) {
        return thrown;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({
      name: 'ConfigError',
      key: 'port',
      message: 'Configuration "port": must be a whole number from 0 to 65535, got "eighty".',
    });
    expect(() => parseConfig({})).toThrow(
      /^Configuration "app_key": is required; set it with the environment variable APP_KEY, the option --app_key <text>, or "app_key" in config\/secrets\.json \(see config\/secrets\.json\.example\)\. A secret of 32 characters or more, e\.g\. from: openssl rand -hex 32\.$/,
    );
    expect(() => parseConfig({ app_key: key, jobs_provider: 'github' })).toThrow(
      /^Configuration "jobs_api_url": is required when jobs_provider is github; set it with the environment variable JOBS_API_URL, the option --jobs_api_url <url>, or "jobs_api_url" in config\/secrets\.json \(see config\/secrets\.json\.example\)\.$/,
    );
  });

  it('takes jobs_api_url for github, and a blank value as unset', () => {
    const config = parseConfig({ app_key: key, jobs_provider: 'github', jobs_api_url: 'http://board.example/p.json' });
    expect(config.jobs_api_url).toBe('http://board.example/p.json');
    expect(parseConfig({ app_key: key, port: '', redis_password: null }, 'test')).toMatchObject({
      env: 'test',
      port: 3000,
      redis_password: undefined,
    });
  });
});

describe('the configuration options of a command line', () => {
  it('lists every key with its placeholder and meaning in the help, hiding the hyphenated spellings', () => {
    const help = addConfigOptions(new Command('serve')).helpInformation();
    expect(help).toContain('-p, --port <n>');
    expect(help).toMatch(/--token_ttl <duration>\s+token lifetime/);
    expect(help).toContain('--metrics <off|on|port>');
    expect(help).not.toContain('--redis-port');
  });

  it('keeps only configuration values that were given', () => {
    expect(configValuesOf({ port: '3001', redisPort: '7000', verbose: true, host: undefined })).toEqual({
      port: '3001',
      redis_port: '7000',
    });
    expect(configValuesOf({ dynamodbCreateTables: true, trustProxy: true })).toEqual({
      dynamodb_create_tables: true,
      trust_proxy: true,
    });
    expect(() => configValuesOf({ redisPort: true })).toThrow(
      /^Configuration "redis_port": needs a value: --redis_port <n>\.$/,
    );
  });

  it('reads the arguments of a command line, and no configuration from none', () => {
    expect(parseConfigArgv([])).toEqual({});
    expect(parseConfigArgv(['serve', '--redis-host', 'cache', '--unknown', 'x'])).toEqual({ redis_host: 'cache' });
  });
});

describe('the README configuration table', () => {
  const { start, end } = readmeTableBounds;
  it('replaces what lies between the markers, keeping the rest', () => {
    expect(withReadmeTable(`# T\n${start}\nold\nrows\n${end}\nafter`, '| new |')).toBe(
      `# T\n${start}\n| new |\n${end}\nafter`,
    );
  });

  it('refuses a README without both markers in order', () => {
    const message = `README.md lacks the markers ${start} … ${end}.`;
    expect(() => withReadmeTable('# nothing', 't')).toThrow(message);
    expect(() => withReadmeTable(`${start}\n`, 't')).toThrow(message);
    expect(() => withReadmeTable(`${end}\n${start}`, 't')).toThrow(message);
  });
});

describe('loadConfig sources', () => {
  const noFile = '/nonexistent/secrets.json';

  it('takes values a command line already parsed instead of argv, and fallbacks below every source', () => {
    const config = loadConfig({
      argv: ['--port', '1111'],
      argValues: { port: '2222' },
      env: { APP_KEY: key, redis_host: 'from-env' },
      secretsFile: noFile,
      fallbacks: { redis_host: 'fallback', s3_bucket: 'fallback-bucket' },
    });
    expect([config.port, config.redis_host, config.s3_bucket]).toEqual([2222, 'from-env', 'fallback-bucket']);
  });

  it('reads the lower-case spelling of a key in the environment before the upper-case one', () => {
    expect(
      loadConfig({ argv: [], env: { app_key: key, APP_KEY: 'k'.repeat(33), PORT: '4100' }, secretsFile: noFile }),
    ).toMatchObject({
      app_key: key,
      port: 4100,
    });
  });

  it('names a secrets file that cannot be read with the reason', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'config-'));
    expect(() => loadConfig({ argv: [], env: { APP_KEY: key }, secretsFile: dir })).toThrow(
      new RegExp(`^Configuration "${dir}": cannot be read: .*EISDIR`),
    );
  });

  it('reads a secrets file of known keys', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'config-'));
    const secretsFile = join(dir, 'secrets.json');
    await writeFile(secretsFile, JSON.stringify({ app_key: key, port: 4200 }));
    expect(loadConfig({ argv: [], env: {}, secretsFile }).port).toBe(4200);
  });
});
