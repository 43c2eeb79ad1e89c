import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import {
  freePort,
  startDynamoDbLocal,
  startRedisServer,
  startS3rver,
  type LocalService,
} from '../../devtools/localStack';
import { awsOperationsLogVariable } from '../../libraries/awsClients';
import { deniedOperations, distinctOperations, readOperations } from './awsOperations';

/** Where the shared test services listen; read in tests with `inject('stack')`. */
export interface TestStack {
  dynamodbEndpoint: string;
  redisPort: number;
  s3Endpoint: string;
  /** The file every AWS operation of the servers and CLIs under test is logged to (`NODE_JOBS_AWS_OPERATIONS_LOG`). */
  awsOperationsLog: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    stack: TestStack;
  }
}

/**
 * Fails the run when the IAM policy `node-jobs iam-policy` prints does not allow an AWS operation
 * that a server or a CLI under test sent; prints what was sent otherwise.
 */
function checkAwsOperations(file: string): void {
  const operations = readOperations(file);
  const denied = [...new Set(deniedOperations(operations))];
  if (denied.length > 0)
    throw new Error(`The IAM policy of node-jobs iam-policy does not allow what the tests sent:\n${denied.join('\n')}`);
  if (operations.length > 0)
    console.log(
      `AWS operations sent, all allowed by node-jobs iam-policy: ${distinctOperations(operations).join(', ')}`,
    );
}

/**
 * Starts DynamoDB Local, redis-server and s3rver on free ports for the whole run, and has every AWS
 * client of the code under test log its operations (the variable is inherited by the test workers
 * and the CLIs they start); the log is checked against the IAM policy at the end.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const directory = await mkdtemp(join(tmpdir(), 'node-jobs-stack-'));
  const awsOperationsLog = join(directory, 'aws-operations.jsonl');
  process.env[awsOperationsLogVariable] = awsOperationsLog;
  const services: LocalService[] = [];
  const stop = async () => {
    await Promise.allSettled(services.map((service) => service.stop()));
    try {
      checkAwsOperations(awsOperationsLog);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  };
  try {
    const [dynamodb, redis, s3] = await Promise.all([
      freePort().then((port) => startDynamoDbLocal({ port })),
      freePort().then((port) => startRedisServer({ port })),
      freePort().then((port) => startS3rver({ port, directory: join(directory, 's3') })),
    ]);
    services.push(dynamodb, redis, s3);
    project.provide('stack', {
      dynamodbEndpoint: `http://127.0.0.1:${dynamodb.port}`,
      redisPort: redis.port,
      s3Endpoint: `http://127.0.0.1:${s3.port}`,
      awsOperationsLog,
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return stop;
}
