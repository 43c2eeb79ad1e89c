import { describe, expect, it } from 'vitest';
import { parseRedisUrl } from '../../config/kinds';
import { ConfigError, parseConfig } from '../../config/schema';
import { redisConnectionOptions } from '../../libraries/redis';

const key = 'k'.repeat(40);

describe('parseRedisUrl', () => {
  it('reads the scheme, user name, password, host, port and database of an ElastiCache-style URL', () => {
    expect(parseRedisUrl('rediss://default:secret@cache.example:6380/2')).toEqual({
      tls: true,
      host: 'cache.example',
      port: 6380,
      username: 'default',
      password: 'secret',
      database: 2,
    });
  });

  it('takes port 6379, database 0 and no credentials when the URL gives none', () => {
    expect(parseRedisUrl('redis://127.0.0.1')).toEqual({
      tls: false,
      host: '127.0.0.1',
      port: 6379,
      username: undefined,
      password: undefined,
      database: 0,
    });
    expect(parseRedisUrl('redis://cache.example/')).toMatchObject({ port: 6379, database: 0 });
  });

  it('reads a password without a user name, and a user name without a password', () => {
    expect(parseRedisUrl('redis://:pw@cache.example/1')).toMatchObject({
      username: undefined,
      password: 'pw',
      database: 1,
    });
    expect(parseRedisUrl('redis://alice@cache.example')).toMatchObject({ username: 'alice', password: undefined });
  });

  it('decodes a %-encoded password, and keeps an @ or / left unencoded in it', () => {
    expect(parseRedisUrl('redis://u:p%40ss%2Fw%25@h')).toMatchObject({ username: 'u', password: 'p@ss/w%', host: 'h' });
    expect(parseRedisUrl('redis://u:p@s/s@h:7000/4')).toMatchObject({
      password: 'p@s/s',
      host: 'h',
      port: 7000,
      database: 4,
    });
  });

  it('reads a bracketed IPv6 address as the host', () => {
    expect(parseRedisUrl('rediss://[::1]:6380/0')).toMatchObject({ host: '::1', port: 6380, tls: true });
  });

  it('refuses a scheme other than redis:// or rediss://, naming the scheme found', () => {
    expect(() => parseRedisUrl('http://cache.example:6379')).toThrow(/redis:\/\/ or rediss:\/\/.*"http:"/);
    expect(() => parseRedisUrl('REDISS://cache.example')).not.toThrow();
    expect(() => parseRedisUrl('cache.example:6379')).toThrow(/redis:\/\/ or rediss:\/\//);
    expect(() => parseRedisUrl('redis:/cache.example')).toThrow(/redis:\/\/ or rediss:\/\//);
  });

  it('refuses a port that is not a whole number from 1 to 65535', () => {
    for (const port of ['0', '65536', '99999', 'abc', '', '63 79'])
      expect(() => parseRedisUrl(`redis://cache.example:${port}/0`), port).toThrow(
        /port .* a whole number from 1 to 65535/,
      );
  });

  it('refuses a database that is not a number', () => {
    for (const path of ['/abc', '/1/2', '/-1', '/ 3', '/1.5'])
      expect(() => parseRedisUrl(`redis://cache.example${path}`), path).toThrow(/database .* such as \/0 or \/3/);
  });

  it('refuses a URL without a host, or with a query or fragment it would ignore', () => {
    expect(() => parseRedisUrl('redis://:pw@/0')).toThrow(/no host/);
    expect(() => parseRedisUrl('redis://cache.example/0?tls=true')).toThrow(/query/);
    expect(() => parseRedisUrl('redis://cache.example/0#x')).toThrow(/query/);
  });

  it('refuses a password with a % that starts no %-escape', () => {
    expect(() => parseRedisUrl('redis://u:50%off@cache.example')).toThrow(/%25/);
  });
});

describe('the redis_url and redis_tls_ca keys', () => {
  it('are unset by default, so redis_host, redis_port and redis_password apply', () => {
    expect(parseConfig({ app_key: key })).toMatchObject({ redis_url: undefined, redis_tls_ca: undefined });
  });

  it('hold the URL read into its parts', () => {
    const config = parseConfig({
      app_key: key,
      redis_url: 'rediss://alice:pw@127.0.0.1:6380/3',
      redis_tls_ca: 'ca.pem',
    });
    expect(config.redis_url).toEqual({
      tls: true,
      host: '127.0.0.1',
      port: 6380,
      username: 'alice',
      password: 'pw',
      database: 3,
    });
    expect(config.redis_tls_ca).toBe('ca.pem');
  });

  it('make a malformed redis_url a configuration error naming the key, never echoing its password', () => {
    for (const url of [
      'http://alice:hunter2@cache.example',
      'redis://alice:hunter2@cache.example:99999',
      'redis://alice:hunter2@cache.example/two',
    ]) {
      const error = (() => {
        try {
          parseConfig({ app_key: key, redis_url: url });
        } catch (thrown) {
          return thrown;
        }
        return undefined;
      })();
      expect(error, url).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).key).toBe('redis_url');
      expect((error as Error).message).toMatch(/^Configuration "redis_url": /);
      expect((error as Error).message).not.toContain('hunter2');
    }
  });

  it('refuse redis_tls_ca without a rediss:// redis_url, where it would be ignored', () => {
    expect(() => parseConfig({ app_key: key, redis_tls_ca: 'ca.pem' })).toThrow(
      /^Configuration "redis_tls_ca": .*rediss:\/\//,
    );
    expect(() => parseConfig({ app_key: key, redis_url: 'redis://cache.example', redis_tls_ca: 'ca.pem' })).toThrow(
      /^Configuration "redis_tls_ca": .*rediss:\/\//,
    );
  });
});

describe('the Redis connection of a configuration', () => {
  it('takes redis_password for a redis_url without a password, and the URL’s own password over it', () => {
    const key = 'k'.repeat(40);
    const apart = parseConfig({
      app_key: key,
      redis_url: 'rediss://cache.example:6379',
      redis_password: 'from-secret',
    });
    expect(redisConnectionOptions(apart)).toMatchObject({ host: 'cache.example', password: 'from-secret' });
    const inUrl = parseConfig({ app_key: key, redis_url: 'redis://:in-url@cache.example', redis_password: 'other' });
    expect(redisConnectionOptions(inUrl).password).toBe('in-url');
  });
});
