/**
 * The shape of a DynamoDB table definition: plain data with no AWS SDK in it, so the tables can be
 * declared once (`models/tables.ts`) and read by the model, the start-up check, `provision`,
 * `iam-policy` and the deploy kit alike.
 */

/** DynamoDB's scalar key types: string, number, binary. */
export type KeyAttributeType = 'S' | 'N' | 'B';

/** A primary key: the partition (hash) attribute and, optionally, the sort (range) attribute. */
export interface KeyDefinition {
  readonly hash: string;
  readonly range?: string;
}

/** A global secondary index. */
export interface GlobalIndexDefinition {
  readonly name: string;
  readonly key: KeyDefinition;
  /** What the index copies of each item. */
  readonly projection: 'ALL' | 'KEYS_ONLY';
}

/** One table as node-jobs needs it. */
export interface TableDefinition {
  /** The table's name after `dynamodb_table_prefix`. */
  readonly name: string;
  /** The type of every key attribute, of the table and of its indexes. */
  readonly attributes: Readonly<Record<string, KeyAttributeType>>;
  readonly key: KeyDefinition;
  readonly indexes: readonly GlobalIndexDefinition[];
  /**
   * The DynamoDB actions (IAM names, without `dynamodb:`) the server calls on the table; a write
   * inside a transaction counts as its own action (`PutItem`, `UpdateItem`, `DeleteItem`).
   */
  readonly serverActions: readonly string[];
}

/**
 * The physical name of a table under a prefix (`dynamodb_table_prefix`).
 * @param prefix the configured prefix, e.g. `nodeLessons-`
 */
export function physicalTableName(prefix: string, definition: Pick<TableDefinition, 'name'>): string {
  return `${prefix}${definition.name}`;
}
