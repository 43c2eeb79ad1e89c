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

/** Where the shared test services listen; read in tests with `inject('stack')`. */
export interface TestStack {
  dynamodbEndpoint: string;
  redisPort: number;
  s3Endpoint: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    stack: TestStack;
  }
}

/** Starts DynamoDB Local, redis-server and s3rver on free ports for the whole run. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const directory = await mkdtemp(join(tmpdir(), 'node-jobs-stack-'));
  const services: LocalService[] = [];
  const stop = async () => {
    await Promise.allSettled(services.map((service) => service.stop()));
    await rm(directory, { recursive: true, force: true });
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
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return stop;
}
