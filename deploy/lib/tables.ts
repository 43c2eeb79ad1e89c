import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import {
  tableNames,
  tables,
  type KeyAttributeType,
  type KeyDefinition,
  type TableDefinition,
  type TableName,
} from './server';

const attributeTypes: Record<KeyAttributeType, dynamodb.AttributeType> = {
  S: dynamodb.AttributeType.STRING,
  N: dynamodb.AttributeType.NUMBER,
  B: dynamodb.AttributeType.BINARY,
};

/** A key of the server's table definition as CDK takes it. */
function keyOf(definition: TableDefinition, key: KeyDefinition): Pick<dynamodb.TableProps, 'partitionKey' | 'sortKey'> {
  const attribute = (name: string): dynamodb.Attribute => {
    const type = definition.attributes[name];
    if (type === undefined) throw new Error(`table ${definition.name}: key attribute ${name} has no type`);
    return { name, type: attributeTypes[type] };
  };
  return { partitionKey: attribute(key.hash), sortKey: key.range === undefined ? undefined : attribute(key.range) };
}

/**
 * The server's DynamoDB tables, built from the same definition the server checks at start-up:
 * on-demand capacity, point-in-time recovery, deletion protection, kept when the stack is deleted.
 */
export class Tables extends Construct {
  readonly byName: Record<TableName, dynamodb.Table>;

  constructor(scope: Construct, id: string, prefix: string) {
    super(scope, id);
    const names = tableNames(prefix);
    const build = (logical: TableName): dynamodb.Table => {
      const definition: TableDefinition = tables[logical];
      const table = new dynamodb.Table(this, logical, {
        tableName: names[logical],
        ...keyOf(definition, definition.key),
        billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        deletionProtection: true,
        removalPolicy: RemovalPolicy.RETAIN,
      });
      for (const index of definition.indexes) {
        table.addGlobalSecondaryIndex({
          indexName: index.name,
          ...keyOf(definition, index.key),
          projectionType: index.projection === 'ALL' ? dynamodb.ProjectionType.ALL : dynamodb.ProjectionType.KEYS_ONLY,
        });
      }
      return table;
    };
    this.byName = Object.fromEntries(
      (Object.keys(tables) as TableName[]).map((logical) => [logical, build(logical)]),
    ) as Record<TableName, dynamodb.Table>;
  }
}
