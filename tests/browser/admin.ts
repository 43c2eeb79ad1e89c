import { inject } from 'vitest';
import { runCli } from '../harness/cli';
import { testAppKey, type TestServer } from '../harness/testServer';

/**
 * Makes an existing user an admin through the CLI (`node-jobs user-make-admin -u <email>`), as an
 * operator would, against a test server's data.
 * @throws Error with the CLI's output when it fails
 */
export async function makeAdminThroughCli(server: TestServer, email: string): Promise<void> {
  const stack = inject('stack');
  const result = await runCli(['user-make-admin', '-u', email], {
    env: {
      APP_KEY: testAppKey,
      DYNAMODB_ENDPOINT: stack.dynamodbEndpoint,
      DYNAMODB_TABLE_PREFIX: server.config.dynamodb_table_prefix,
      REDIS_PORT: String(stack.redisPort),
      REDIS_KEY_PREFIX: server.config.redis_key_prefix,
    },
  });
  if (result.code !== 0) throw new Error(`user-make-admin exited with ${result.code}:\n${result.stdout}${result.stderr}`);
}
