import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { createClient, type ClientOptions, type NodeJobsClient } from '../../client';
import { parseConfig, type Config } from '../../config/schema';
import { createServer, type NodeJobsServer } from '../../index';
import { createAppLogger, type AppLogger } from '../../libraries/appLogger';

export const testAppKey = 'test-app-key-that-is-long-enough-0123456789';

export interface TestServer {
  readonly server: NodeJobsServer;
  readonly config: Config;
  /** A fresh SDK client for this server (`options` beside its URL). */
  client(options?: Omit<ClientOptions, 'baseURL'>): NodeJobsClient;
  /** Temporary folder holding this server's data and log files. */
  readonly directory: string;
  stop(): Promise<void>;
}

/**
 * Unique prefixes for one test file (or one server), so files run in parallel without sharing
 * tables, Redis keys or buckets.
 */
export function isolatedSettings(): Record<string, string> {
  const id = randomUUID().slice(0, 8);
  return { dynamodb_table_prefix: `t${id}-`, redis_key_prefix: `t${id}:`, s3_bucket: `b${id}` };
}

/**
 * Raw configuration values pointing at the shared test stack, with isolated prefixes and files
 * under `directory`; `overrides` win.
 */
export function testConfigValues(directory: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const stack = inject('stack');
  return {
    port: 0,
    host: '127.0.0.1',
    app_key: testAppKey,
    bcrypt_rounds: 4,
    redis_port: stack.redisPort,
    dynamodb_endpoint: stack.dynamodbEndpoint,
    s3_endpoint: stack.s3Endpoint,
    data_file: join(directory, 'userdata', 'data.json'),
    log_file: join(directory, 'logs', 'nodeJobs.log'),
    rate_limit_login: 0,
    rate_limit_register: 0,
    // The shared DynamoDB Local is slow on a loaded machine; the timeout itself is tested in tests/resilience.
    dynamodb_timeout_ms: 15_000,
    rate_limit_search: 0,
    rate_limit_password_reset: 0,
    rate_limit_password_reset_email: 0,
    rate_limit_email_verification: 0,
    ...isolatedSettings(),
    ...overrides,
  };
}

/**
 * Starts a server on a free port against the shared test stack.
 * @param options.logger what the server logs to; nothing by default
 */
export async function startTestServer(
  overrides: Record<string, unknown> = {},
  options: { logger?: AppLogger } = {},
): Promise<TestServer> {
  const directory = await mkdtemp(join(tmpdir(), 'node-jobs-test-'));
  const config = parseConfig(testConfigValues(directory, overrides), 'test');
  const server = await createServer(config, { logger: options.logger ?? createAppLogger(true) });
  return {
    server,
    config,
    directory,
    client: (options = {}) => createClient({ ...options, baseURL: server.url }),
    async stop() {
      await server.close(1000);
      await rm(directory, { recursive: true, force: true });
    },
  };
}
