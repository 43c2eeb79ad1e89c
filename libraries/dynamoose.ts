import dynamoose from 'dynamoose';
import type { Schema } from 'dynamoose/dist/Schema';
import type { Item } from 'dynamoose/dist/Item';
import type { ModelType } from 'dynamoose/dist/General';
import type { Config } from '../config/schema';
import { messageOf } from './errors';
import { ServiceGuard } from './serviceGuard';

/**
 * DynamoDB calls one server lets wait at once; more answer 503 at once. Above the calls a busy
 * but healthy server has waiting (50 concurrent clients at DynamoDB Local's latency under load
 * reached 32 and were refused), far below what a stalled DynamoDB would pile up.
 */
export const dynamodbMaxInFlight = 64;
/** How long each start-up call (creating a table, waiting for it) may take. */
const startupTimeoutMs = 30_000;

/**
 * The configured dynamoose of one server: its own `Instance` (so two servers in one process can
 * point at different endpoints), the table prefix (`nodeLessons-` by default), the local endpoint
 * outside production and AWS in production.
 */
export interface DynamooseClient {
  readonly dynamoose: typeof dynamoose;
  readonly instance: InstanceType<typeof dynamoose.Instance>;
  /**
   * Defines a model whose table is `<prefix><name>`, created at start-up when
   * `dynamodb_create_tables` is on.
   */
  model<T extends Item>(name: string, schema: Schema): ModelType<T>;
  /** Creates missing tables and indexes (when configured) and waits until they are active. */
  initialize(): Promise<void>;
  /** Tells whether DynamoDB answers (used by `/healthz`). */
  ping(): Promise<void>;
  /**
   * The DynamoDB client every model uses (timeouts and the in-flight bound included), for reads on
   * the request path that skip dynamoose's item conversion and debug logging.
   */
  readonly ddb: DynamoDB;
  /** The table name of a model (`<prefix><name>`). */
  tableName(name: string): string;
}

type DynamoDB = InstanceType<typeof dynamoose.aws.ddb.DynamoDB>;

/** Builds the dynamoose client for a configuration; it connects on first use only. */
export function createDynamoose(config: Config): DynamooseClient {
  const instance = new dynamoose.Instance();
  const local = config.dynamodb_endpoint !== undefined && config.env !== 'production';
  const timeoutMs = config.dynamodb_timeout_ms;
  /** A DynamoDB client whose every attempt times out after `attemptTimeoutMs`. */
  const client = (attemptTimeoutMs: number) =>
    new dynamoose.aws.ddb.DynamoDB({
      region: config.aws_region,
      requestHandler: { connectionTimeout: Math.min(1000, attemptTimeoutMs), requestTimeout: attemptTimeoutMs },
      maxAttempts: 2,
      ...(config.dynamodb_endpoint ? { endpoint: config.dynamodb_endpoint } : {}),
      // DynamoDB Local accepts any credentials, but the SDK insists on having some.
      ...(local && !process.env.AWS_ACCESS_KEY_ID
        ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
        : {}),
    });
  // A stalled DynamoDB must not hang requests: each attempt times out, and the guard bounds the whole call and the calls waiting.
  const ddb = client(timeoutMs);
  const guard = new ServiceGuard({ service: 'DynamoDB', timeoutMs, maxInFlight: dynamodbMaxInFlight });
  ddb.middlewareStack.add((next) => (args) => guard.run(() => next(args)), {
    step: 'initialize',
    name: 'serviceGuard',
  });
  instance.aws.ddb.set(ddb);
  const tables: InstanceType<typeof instance.Table>[] = [];
  const tableNameOf = (name: string) => `${config.dynamodb_table_prefix}${name}`;

  return {
    dynamoose,
    instance,
    model<T extends Item>(name: string, schema: Schema) {
      const tableName = tableNameOf(name);
      const model = dynamoose.model<T>(tableName, schema, {
        tableName,
        create: false,
        waitForActive: false,
        initialize: false,
      });
      tables.push(
        new instance.Table(tableName, [model], {
          prefix: '',
          create: config.dynamodb_create_tables,
          waitForActive: config.dynamodb_create_tables,
          update: false,
          throughput: 'ON_DEMAND',
          initialize: false,
        }),
      );
      return model;
    },
    async initialize() {
      // Creating tables and waiting for them may take longer than a request may wait.
      const startup = client(Math.max(timeoutMs, startupTimeoutMs));
      instance.aws.ddb.set(startup);
      try {
        await Promise.all(tables.map((table) => table.initialize()));
      } catch (error) {
        throw new Error(`DynamoDB is not reachable at ${config.dynamodb_endpoint ?? 'AWS'}: ${messageOf(error)}`, {
          cause: error,
        });
      } finally {
        instance.aws.ddb.set(ddb);
        startup.destroy();
      }
    },
    async ping() {
      await ddb.listTables({ Limit: 1 });
    },
    ddb,
    tableName: tableNameOf,
  };
}
