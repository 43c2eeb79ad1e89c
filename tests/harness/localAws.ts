import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { inject } from 'vitest';
import { localS3Credentials } from '../../libraries/s3client';
import { testAppKey } from './testServer';

/** The region every test runs in. */
export const testRegion = 'eu-central-1';

/** A DynamoDB client of the test's own on the test stack, to look at (or break) what the code under test made. */
export function dynamodbInspector(): DynamoDBClient {
  return new DynamoDBClient({
    region: testRegion,
    endpoint: inject('stack').dynamodbEndpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}

/** An S3 client of the test's own on the test stack's s3rver. */
export function s3Inspector(): S3Client {
  return new S3Client({
    region: testRegion,
    endpoint: inject('stack').s3Endpoint,
    forcePathStyle: true,
    credentials: { ...localS3Credentials },
  });
}

/** A table prefix and a bucket name nobody else uses. */
export function freshResources(): { prefix: string; bucket: string } {
  const id = randomUUID().slice(0, 8);
  return { prefix: `p${id}-`, bucket: `pb${id}` };
}

/** The settings `node-jobs provision` needs to work on the test stack's services (no app_key). */
export function provisionEnv(resources: { prefix: string; bucket: string }): Record<string, string> {
  const stack = inject('stack');
  return {
    DYNAMODB_ENDPOINT: stack.dynamodbEndpoint,
    S3_ENDPOINT: stack.s3Endpoint,
    DYNAMODB_TABLE_PREFIX: resources.prefix,
    S3_BUCKET: resources.bucket,
    CORS_ORIGIN: 'https://app.example',
  };
}

/**
 * The environment of `node-jobs serve` in production (NODE_ENV=production: tables and bucket only
 * checked) against the test stack; production reads credentials from the standard chain, so they
 * are given as AWS_* variables (s3rver's; DynamoDB Local takes any).
 */
export function productionServeEnv(
  resources: { prefix: string; bucket: string },
  directory: string,
): Record<string, string> {
  const stack = inject('stack');
  return {
    ...provisionEnv(resources),
    NODE_ENV: 'production',
    APP_KEY: testAppKey,
    PORT: '0',
    HOST: '127.0.0.1',
    REDIS_PORT: String(stack.redisPort),
    REDIS_KEY_PREFIX: `${resources.prefix}:`,
    DATA_FILE: join(directory, 'data.json'),
    LOG_FILE: join(directory, 'nodeJobs.log'),
    AWS_ACCESS_KEY_ID: localS3Credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: localS3Credentials.secretAccessKey,
  };
}
