import dynamoose from 'dynamoose';
import type { SchemaDefinition } from 'dynamoose/dist/Schema';
import type { Item } from 'dynamoose/dist/Item';
import type { ModelType } from 'dynamoose/dist/General';
import type { Config } from '../config/schema';
import { logAwsOperations, requestHandlerOptions, type AwsRole } from './awsClients';
import { checkTables, provisionTable, TableCheckError, type NamedTable } from './dynamoTables';
import { HttpError, messageOf } from './errors';
import { ProvisionRun } from './provisionRun';
import { ServiceGuard } from './serviceGuard';
import { physicalTableName, type TableDefinition } from './tableDefinition';

/**
 * DynamoDB calls one server lets wait at once; more answer 503 at once. Above the calls a busy
 * but healthy server has waiting (50 concurrent clients at DynamoDB Local's latency under load
 * reached 32 and were refused), far below what a stalled DynamoDB would pile up.
 */
export const dynamodbMaxInFlight = 64;
/** How long each call creating a table may take (waiting until it is ACTIVE is polled). */
const createTimeoutMs = 30_000;
/** How long `dev` waits for a table it created to become ACTIVE. */
const createdActiveTimeoutMs = 120_000;

/**
 * The configured dynamoose of one server: its own `Instance` (so two servers in one process can
 * point at different endpoints), the table prefix (`nodeLessons-` by default), the local endpoint
 * outside production and AWS in production.
 */
export interface DynamooseClient {
  readonly dynamoose: typeof dynamoose;
  readonly instance: InstanceType<typeof dynamoose.Instance>;
  /**
   * Defines the model of a table: its key and indexes come from `definition` (`models/tables.ts`),
   * the other attributes' settings (required, default) from `attributes`. Its table is
   * `<prefix><name>`, checked at start-up (and created first when `dynamodb_create_tables` is on).
   */
  model<T extends Item>(definition: TableDefinition, attributes: SchemaDefinition): ModelType<T>;
  /**
   * Creates missing tables and indexes when `dynamodb_create_tables` is on, then checks that every
   * table of a model exists with the key and the indexes of its definition. Nothing else is changed.
   * @throws Error with one line naming the tables at fault and `node-jobs provision`
   */
  initialize(): Promise<void>;
  /**
   * Tells whether DynamoDB answers and every table is there (used by `/healthz`).
   * @throws HttpError 503 when a table is missing
   */
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

/** Where DynamoDB is, for messages: the endpoint, or AWS and the region. */
export const dynamodbLocation = (config: Pick<Config, 'dynamodb_endpoint' | 'aws_region'>) =>
  config.dynamodb_endpoint ?? `AWS ${config.aws_region}`;

/**
 * A DynamoDB client of a configuration whose every attempt times out (and throws) after
 * `attemptTimeoutMs`; its operations are logged under `role` when the test harness asks.
 * Outside production, with an endpoint and no AWS credentials in the environment, it uses the
 * dummy credentials DynamoDB Local accepts.
 */
export function createDynamoDbClient(config: Config, attemptTimeoutMs: number, role: AwsRole): DynamoDB {
  const local = config.dynamodb_endpoint !== undefined && config.env !== 'production';
  const client = new dynamoose.aws.ddb.DynamoDB({
    region: config.aws_region,
    requestHandler: requestHandlerOptions(attemptTimeoutMs),
    maxAttempts: 2,
    ...(config.dynamodb_endpoint ? { endpoint: config.dynamodb_endpoint } : {}),
    // DynamoDB Local accepts any credentials, but the SDK insists on having some.
    ...(local && !process.env.AWS_ACCESS_KEY_ID
      ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
      : {}),
  });
  logAwsOperations(client, 'dynamodb', role, { region: config.aws_region, tablePrefix: config.dynamodb_table_prefix });
  return client;
}

/** A table that is gone answers like DynamoDB being down (503), never a 500 on every account route. */
function missingTableAs503(error: unknown): unknown {
  if ((error as { name?: unknown } | undefined)?.name !== 'ResourceNotFoundException') return error;
  return new HttpError(
    503,
    'DynamoDB is unavailable: a table this server needs is missing.',
    { 'Retry-After': '5' },
    { cause: error },
  );
}

/** dynamoose's settings of the key and index attributes of a table definition. */
function keyAttributes(definition: TableDefinition): SchemaDefinition {
  const types = { S: String, N: Number, B: Buffer } as const;
  return Object.fromEntries(
    Object.entries(definition.attributes).map(([name, type]) => {
      const indexes = definition.indexes
        .filter((index) => index.key.hash === name)
        .map((index) => ({
          type: 'global' as const,
          name: index.name,
          ...(index.key.range === undefined ? {} : { rangeKey: index.key.range }),
          project: index.projection === 'ALL',
        }));
      return [
        name,
        {
          type: types[type],
          ...(definition.key.hash === name ? { hashKey: true } : {}),
          ...(definition.key.range === name ? { rangeKey: true } : {}),
          ...(indexes.length > 0 ? { index: indexes.length === 1 ? indexes[0] : indexes } : {}),
        },
      ];
    }),
  );
}

/** Builds the dynamoose client for a configuration; it connects on first use only. */
export function createDynamoose(config: Config): DynamooseClient {
  const instance = new dynamoose.Instance();
  const timeoutMs = config.dynamodb_timeout_ms;
  const where = dynamodbLocation(config);
  // A stalled DynamoDB must not hang requests: each attempt times out, and the guard bounds the whole call and the calls waiting.
  const ddb = createDynamoDbClient(config, timeoutMs, 'server');
  const guard = new ServiceGuard({ service: 'DynamoDB', timeoutMs, maxInFlight: dynamodbMaxInFlight });
  ddb.middlewareStack.add(
    (next) => async (args) => {
      try {
        return await guard.run(() => next(args));
      } catch (error) {
        throw missingTableAs503(error);
      }
    },
    { step: 'initialize', name: 'serviceGuard' },
  );
  instance.aws.ddb.set(ddb);
  const tables: InstanceType<typeof instance.Table>[] = [];
  const namedTables: NamedTable[] = [];
  const tableNameOf = (name: string) => physicalTableName(config.dynamodb_table_prefix, { name });

  /**
   * `dev` and the tests: creates the tables and indexes that are missing, unprotected (they are
   * local and disposable) except in production, where `dynamodb_create_tables` makes them as
   * `node-jobs provision` does.
   */
  const createMissingTables = async () => {
    const creator = createDynamoDbClient(config, createTimeoutMs, 'provision');
    const run = new ProvisionRun({ dryRun: false });
    try {
      await Promise.all(
        namedTables.map((table) =>
          provisionTable(creator, table, run, {
            protect: config.env === 'production',
            activeTimeoutMs: createdActiveTimeoutMs,
            pollMs: config.dynamodb_endpoint ? 100 : 2000,
          }),
        ),
      );
    } finally {
      creator.destroy();
    }
  };

  return {
    dynamoose,
    instance,
    model<T extends Item>(definition: TableDefinition, attributes: SchemaDefinition) {
      const tableName = tableNameOf(definition.name);
      const schema = new dynamoose.Schema({ ...keyAttributes(definition), ...mergeSettings(definition, attributes) });
      const model = dynamoose.model<T>(tableName, schema, {
        tableName,
        create: false,
        waitForActive: false,
        initialize: false,
      });
      // dynamoose itself never creates, updates or waits for the table: start-up does (`initialize`).
      tables.push(
        new instance.Table(tableName, [model], {
          prefix: '',
          create: false,
          waitForActive: false,
          update: false,
          throughput: 'ON_DEMAND',
          initialize: false,
        }),
      );
      namedTables.push({ definition, name: tableName });
      return model;
    },
    async initialize() {
      const checker = createDynamoDbClient(config, timeoutMs, 'server');
      try {
        if (config.dynamodb_create_tables) await createMissingTables();
        await checkTables(checker, namedTables, where);
      } catch (error) {
        if (error instanceof TableCheckError) throw error;
        throw new Error(`DynamoDB is not reachable at ${where}: ${messageOf(error)}`, { cause: error });
      } finally {
        checker.destroy();
      }
      // Makes the models usable; with nothing to create or wait for, dynamoose calls nothing here.
      await Promise.all(tables.map((table) => table.initialize()));
    },
    async ping() {
      await Promise.all(namedTables.map((table) => ddb.describeTable({ TableName: table.name })));
    },
    ddb,
    tableName: tableNameOf,
  };
}

/**
 * The settings a model gives its attributes, merged over those of the key attributes (a key
 * attribute may also be required); a model that redefines a key or an index is refused.
 */
function mergeSettings(definition: TableDefinition, attributes: SchemaDefinition): SchemaDefinition {
  const keys = keyAttributes(definition);
  return Object.fromEntries(
    Object.entries(attributes).map(([name, settings]) => {
      // `name: String` is short for `name: { type: String }`.
      const own = (typeof settings === 'object' && !Array.isArray(settings) ? settings : { type: settings }) as Record<
        string,
        unknown
      >;
      if (['hashKey', 'rangeKey', 'index'].some((setting) => setting in own))
        throw new Error(
          `The model of ${definition.name} sets a key or an index of ${name}: models/tables.ts defines them.`,
        );
      return [name, name in keys ? { ...(keys[name] as object), ...own } : own];
    }),
  ) as unknown as SchemaDefinition;
}
