/**
 * Everything the deploy kit takes from the server, in one file: the DynamoDB tables as the server
 * checks them, and the IAM policy `node-jobs iam-policy` prints. The rest of deploy/ imports the
 * server only through here (tests/unit/architecture.test.ts holds it to that).
 */
export { tables, tableNames, type TableName } from '../../models/tables';
export type {
  GlobalIndexDefinition,
  KeyAttributeType,
  KeyDefinition,
  TableDefinition,
} from '../../libraries/tableDefinition';
export { iamPolicy, type IamPolicyDocument, type IamPolicyOptions, type IamStatement } from '../../libraries/iamPolicy';
