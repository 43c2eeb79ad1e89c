import {
  CreateTableCommand,
  DescribeContinuousBackupsCommand,
  DescribeTableCommand,
  UpdateContinuousBackupsCommand,
  UpdateTableCommand,
  type AttributeDefinition,
  type CreateTableCommandInput,
  type DynamoDBClient,
  type KeySchemaElement,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import { isUnsupportedOperation, unsupportedReason, type ProvisionRun } from './provisionRun';
import type { GlobalIndexDefinition, KeyDefinition, TableDefinition } from './tableDefinition';

/**
 * DynamoDB tables against their definitions (`models/tables.ts`): the start-up check of `serve`,
 * and the creation and completion of tables by `provision` (and by `dev`, which creates its own).
 */

/** A table definition with the physical name it has under the configured prefix. */
export interface NamedTable {
  readonly definition: TableDefinition;
  /** The physical name (`<dynamodb_table_prefix><name>`). */
  readonly name: string;
}

/** The DynamoDB actions `provision` (and `dev` creating its tables) calls: its IAM policy's, table by table. */
export const tableProvisioningActions = [
  'dynamodb:CreateTable',
  'dynamodb:DescribeTable',
  'dynamodb:UpdateTable',
  'dynamodb:DescribeContinuousBackups',
  'dynamodb:UpdateContinuousBackups',
] as const;

/** The command that creates or completes the tables, named in every message about them. */
export const provisionCommand = 'node-jobs provision';

const errorName = (error: unknown) => (error as { name?: unknown } | undefined)?.name;

/**
 * Describes a table.
 * @returns its description, or undefined when it does not exist
 */
export async function describeTable(ddb: DynamoDBClient, name: string): Promise<TableDescription | undefined> {
  try {
    return (await ddb.send(new DescribeTableCommand({ TableName: name }))).Table;
  } catch (error) {
    if (errorName(error) === 'ResourceNotFoundException') return undefined;
    throw error;
  }
}

/** `id (S)`, `id (S) + email (S)`: a key as messages show it. */
function describeKey(key: KeyDefinition, types: Readonly<Record<string, string | undefined>>): string {
  return [key.hash, key.range]
    .filter((name): name is string => name !== undefined)
    .map((name) => `${name} (${types[name] ?? '?'})`)
    .join(' + ');
}

/** A key as DynamoDB describes it. */
function keyOf(schema: readonly KeySchemaElement[] | undefined): KeyDefinition {
  const hash = schema?.find((element) => element.KeyType === 'HASH')?.AttributeName ?? '?';
  const range = schema?.find((element) => element.KeyType === 'RANGE')?.AttributeName;
  return range === undefined ? { hash } : { hash, range };
}

/** DynamoDB's key schema of a key definition. */
function keySchema(key: KeyDefinition): KeySchemaElement[] {
  return [
    { AttributeName: key.hash, KeyType: 'HASH' },
    ...(key.range === undefined ? [] : [{ AttributeName: key.range, KeyType: 'RANGE' as const }]),
  ];
}

/** What a described table lacks or has otherwise than its definition. */
export interface TableDifferences {
  /** Differences `provision` cannot fix in place: the table's key, an index's key or projection. */
  unfixable: string[];
  /** Indexes of the definition the table does not have (`provision` adds them). */
  missingIndexes: GlobalIndexDefinition[];
}

/** Compares a table as DynamoDB describes it with its definition. */
export function tableDifferences(definition: TableDefinition, description: TableDescription): TableDifferences {
  const types = Object.fromEntries(
    (description.AttributeDefinitions ?? []).map((attribute): [string, string | undefined] => [
      attribute.AttributeName ?? '',
      attribute.AttributeType,
    ]),
  );
  const unfixable: string[] = [];
  const sameKey = (wanted: KeyDefinition, found: KeyDefinition) =>
    describeKey(wanted, definition.attributes) === describeKey(found, types);
  const tableKey = keyOf(description.KeySchema);
  if (!sameKey(definition.key, tableKey))
    unfixable.push(
      `its key is ${describeKey(tableKey, types)}, node-jobs needs ${describeKey(definition.key, definition.attributes)}`,
    );
  const missingIndexes: GlobalIndexDefinition[] = [];
  for (const index of definition.indexes) {
    const found = description.GlobalSecondaryIndexes?.find((candidate) => candidate.IndexName === index.name);
    if (!found) {
      missingIndexes.push(index);
      continue;
    }
    const foundKey = keyOf(found.KeySchema);
    if (!sameKey(index.key, foundKey))
      unfixable.push(
        `its index ${index.name} has the key ${describeKey(foundKey, types)}, node-jobs needs ${describeKey(index.key, definition.attributes)}`,
      );
    const projection = found.Projection?.ProjectionType;
    if (projection !== index.projection)
      unfixable.push(
        `its index ${index.name} projects ${projection ?? 'nothing'}, node-jobs needs ${index.projection}`,
      );
  }
  return { unfixable, missingIndexes };
}

/** The attribute definitions of a key and of the indexes: every attribute they name, once. */
function attributeDefinitions(
  definition: TableDefinition,
  indexes: readonly GlobalIndexDefinition[],
): AttributeDefinition[] {
  const names = new Set(
    [definition.key, ...indexes.map((index) => index.key)].flatMap((key) =>
      [key.hash, key.range].filter((name): name is string => name !== undefined),
    ),
  );
  return [...names].map((name) => {
    const type = definition.attributes[name];
    if (type === undefined) throw new Error(`The definition of table ${definition.name} gives no type for ${name}.`);
    return { AttributeName: name, AttributeType: type };
  });
}

/** The index as `CreateTable` and `UpdateTable` take it. */
const indexInput = (index: GlobalIndexDefinition) => ({
  IndexName: index.name,
  KeySchema: keySchema(index.key),
  Projection: { ProjectionType: index.projection },
});

/**
 * The `CreateTable` input of a table: on-demand capacity, its key and indexes, and deletion
 * protection when `protect` (what `provision` creates; `dev` creates unprotected tables).
 */
export function createTableInput(table: NamedTable, options: { protect: boolean }): CreateTableCommandInput {
  const { definition } = table;
  return {
    TableName: table.name,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: attributeDefinitions(definition, definition.indexes),
    KeySchema: keySchema(definition.key),
    ...(definition.indexes.length > 0 ? { GlobalSecondaryIndexes: definition.indexes.map(indexInput) } : {}),
    DeletionProtectionEnabled: options.protect,
  };
}

/** Polls until the table and all its indexes are `ACTIVE`. */
async function waitUntilActive(
  ddb: DynamoDBClient,
  name: string,
  options: { timeoutMs: number; pollMs: number },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const table = await describeTable(ddb, name);
    const active =
      table?.TableStatus === 'ACTIVE' &&
      (table.GlobalSecondaryIndexes ?? []).every((index) => index.IndexStatus === 'ACTIVE');
    if (active) return;
    if (Date.now() > deadline)
      throw new Error(
        `is not ACTIVE after ${Math.round(options.timeoutMs / 1000)} s (${table?.TableStatus ?? 'gone'})`,
      );
    await new Promise((resolve) => setTimeout(resolve, options.pollMs));
  }
}

export interface ProvisionTableOptions {
  /** Deletion protection and point-in-time recovery on (what `provision` does; `dev` does not). */
  protect: boolean;
  /** Longest wait for a table or an index to become ACTIVE. */
  activeTimeoutMs?: number;
  /** Pause between two looks at a table that is not ACTIVE yet. */
  pollMs?: number;
}

/** The summary of what creating a table makes. */
function creationSummary(definition: TableDefinition, protect: boolean): string {
  const indexes = definition.indexes.map((index) => index.name);
  return [
    `key ${describeKey(definition.key, definition.attributes)}`,
    ...(indexes.length > 0 ? [`indexes ${indexes.join(', ')}`] : []),
    'on-demand',
    ...(protect ? ['deletion protection'] : []),
  ].join('; ');
}

/**
 * Creates a table that is missing, or completes one that exists (adds missing indexes; with
 * `protect`, turns on deletion protection and point-in-time recovery), recording each change in
 * `run`. What cannot be fixed in place (another key) is recorded as a problem.
 * @throws the SDK's error when DynamoDB refuses or cannot be reached
 */
export async function provisionTable(
  ddb: DynamoDBClient,
  table: NamedTable,
  run: ProvisionRun,
  options: ProvisionTableOptions,
): Promise<void> {
  const resource = `DynamoDB table ${table.name}`;
  const wait = { timeoutMs: options.activeTimeoutMs ?? 30 * 60_000, pollMs: options.pollMs ?? 2000 };
  let description = await describeTable(ddb, table.name);
  if (!description) {
    await run.change(resource, `create (${creationSummary(table.definition, options.protect)})`, async () => {
      try {
        await ddb.send(new CreateTableCommand(createTableInput(table, options)));
      } catch (error) {
        // Another process (a second server in `dev`) created it first: fine once it is ACTIVE.
        if (errorName(error) !== 'ResourceInUseException') throw error;
      }
      await waitUntilActive(ddb, table.name, wait);
    });
    if (run.dryRun) {
      if (options.protect) await pointInTimeRecovery(ddb, table, run, resource);
      return;
    }
    description = await describeTable(ddb, table.name);
    if (!description) throw new Error('was created but cannot be found');
  }
  const current = description;
  const { unfixable, missingIndexes } = tableDifferences(table.definition, current);
  if (unfixable.length > 0) {
    run.problem(resource, `${unfixable.join('; ')} (${cannotChangeHint})`);
    return;
  }
  for (const index of missingIndexes) {
    await run.change(resource, `add the index ${index.name}`, async () => {
      await ddb.send(new UpdateTableCommand(addIndexInput(table, current, index)));
      await waitUntilActive(ddb, table.name, wait);
    });
  }
  if (!options.protect) return;
  if (current.DeletionProtectionEnabled !== true) {
    await run.change(resource, 'turn on deletion protection', async () => {
      await ddb.send(new UpdateTableCommand({ TableName: table.name, DeletionProtectionEnabled: true }));
      await waitUntilActive(ddb, table.name, wait);
    });
  }
  await pointInTimeRecovery(ddb, table, run, resource);
}

/** Why a key or an index cannot simply be changed. */
const cannotChangeHint =
  'DynamoDB cannot change a key or an index in place: set another dynamodb_table_prefix and run node-jobs provision, or delete the table or the index and run it again';

/** The `UpdateTable` input adding one index (one per call, as DynamoDB allows). */
function addIndexInput(table: NamedTable, description: TableDescription, index: GlobalIndexDefinition) {
  const provisioned = description.BillingModeSummary?.BillingMode !== 'PAY_PER_REQUEST';
  const capacity = description.ProvisionedThroughput;
  return {
    TableName: table.name,
    AttributeDefinitions: attributeDefinitions(table.definition, [index]),
    GlobalSecondaryIndexUpdates: [
      {
        Create: {
          ...indexInput(index),
          // A table with provisioned capacity needs it stated for a new index too.
          ...(provisioned && capacity?.ReadCapacityUnits && capacity.WriteCapacityUnits
            ? {
                ProvisionedThroughput: {
                  ReadCapacityUnits: capacity.ReadCapacityUnits,
                  WriteCapacityUnits: capacity.WriteCapacityUnits,
                },
              }
            : {}),
        },
      },
    ],
  };
}

/** Turns on point-in-time recovery when it is off; skipped where the endpoint has none (DynamoDB Local). */
async function pointInTimeRecovery(
  ddb: DynamoDBClient,
  table: NamedTable,
  run: ProvisionRun,
  resource: string,
): Promise<void> {
  const action = 'turn on point-in-time recovery';
  let status: string | undefined;
  try {
    const { ContinuousBackupsDescription } = await ddb.send(
      new DescribeContinuousBackupsCommand({ TableName: table.name }),
    );
    status = ContinuousBackupsDescription?.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus;
  } catch (error) {
    if (isUnsupportedOperation(error)) return run.skip(resource, action, unsupportedReason(error));
    // In a dry run the table may not exist yet: it will need recovery turned on.
    if (!(run.dryRun && errorName(error) === 'TableNotFoundException')) throw error;
  }
  if (status === 'ENABLED') return;
  await run.change(resource, action, async () => {
    await ddb.send(
      new UpdateContinuousBackupsCommand({
        TableName: table.name,
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      }),
    );
  });
}

/** Start-up found a table missing or unlike its definition. */
export class TableCheckError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TableCheckError';
  }
}

/**
 * The start-up check of `serve`: every table exists with the key and the indexes of its
 * definition. It changes nothing.
 * @param where where DynamoDB is, for the message (`http://localhost:8100`, `AWS eu-central-1`)
 * @throws TableCheckError with one line naming each table at fault and the command that fixes it
 * @throws the SDK's error when DynamoDB cannot be reached
 */
export async function checkTables(ddb: DynamoDBClient, tables: readonly NamedTable[], where: string): Promise<void> {
  const described = await Promise.all(tables.map((table) => describeTable(ddb, table.name)));
  const missing: string[] = [];
  const different: string[] = [];
  let keyChanged = false;
  tables.forEach((table, i) => {
    const description = described[i];
    if (!description) return void missing.push(table.name);
    const { unfixable, missingIndexes } = tableDifferences(table.definition, description);
    const faults = [...unfixable, ...missingIndexes.map((index) => `it has no index ${index.name}`)];
    if (description.TableStatus === 'CREATING' || description.TableStatus === 'DELETING')
      faults.push(`it is ${description.TableStatus}`);
    if (faults.length > 0) different.push(`DynamoDB table ${table.name} differs: ${faults.join(', ')}`);
    keyChanged ||= unfixable.length > 0;
  });
  if (missing.length === 0 && different.length === 0) return;
  const problems = [
    ...(missing.length > 0
      ? [
          `DynamoDB table${missing.length > 1 ? 's' : ''} ${missing.join(' and ')} ${missing.length > 1 ? 'do' : 'does'} not exist`,
        ]
      : []),
    ...different,
  ];
  const remedy = keyChanged ? cannotChangeHint : `create or complete the tables with: ${provisionCommand}`;
  throw new TableCheckError(`${problems.join('; ')} (${where}); ${remedy}.`);
}
