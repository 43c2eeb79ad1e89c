/**
 * The DynamoDB tables of node-jobs, defined once: their keys, attribute types, indexes and the
 * actions the server calls on them. The users model, the start-up check, `node-jobs provision`,
 * `node-jobs iam-policy` and the deploy kit all read this. Plain data: it imports no AWS SDK.
 */
import { physicalTableName, type TableDefinition } from '../libraries/tableDefinition';

/** The tables by logical name. */
export const tables = {
  /**
   * The seed's users: `id` partition key, `email` sort key. No secondary index: the server reads a
   * user by its key, or by email through its claim (a consistent read, which an index cannot give).
   * Tables made by earlier versions keep their `emailIndex` and `usernameIndex`; the start-up check
   * accepts them, and nothing writes to them but DynamoDB itself.
   */
  users: {
    name: 'users',
    attributes: { id: 'S', email: 'S' },
    key: { hash: 'id', range: 'email' },
    indexes: [],
    serverActions: ['DescribeTable', 'GetItem', 'Query', 'Scan', 'PutItem', 'UpdateItem', 'DeleteItem'],
  },
  /** The claims of unique values (`email#…`, `username#…`), written in the same transactions as the users. */
  userKeys: {
    name: 'userKeys',
    attributes: { key: 'S' },
    key: { hash: 'key' },
    indexes: [],
    serverActions: ['DescribeTable', 'GetItem', 'PutItem', 'UpdateItem', 'DeleteItem'],
  },
} as const satisfies Record<string, TableDefinition>;

/** The logical name of a table (`users`, `userKeys`). */
export type TableName = keyof typeof tables;

/**
 * The physical name of every table under a prefix (`dynamodb_table_prefix`).
 * @example tableNames('nodeLessons-') // { users: 'nodeLessons-users', userKeys: 'nodeLessons-userKeys' }
 */
export function tableNames(prefix: string): Record<TableName, string> {
  return Object.fromEntries(
    Object.entries(tables).map(([logical, definition]) => [logical, physicalTableName(prefix, definition)]),
  ) as Record<TableName, string>;
}
