import type { Config } from '../config/schema';
import { createDynamoDbClient, dynamodbLocation } from './dynamoose';
import { provisionTable } from './dynamoTables';
import { messageOf } from './errors';
import { ProvisionRun } from './provisionRun';
import { createProfileImages } from './s3client';
import { physicalTableName, type TableDefinition } from './tableDefinition';

/**
 * `node-jobs provision`: creates or completes what the server needs and does not create itself in
 * production — the DynamoDB tables (on-demand, point-in-time recovery, deletion protection) and
 * the bucket of profile images (private, CORS for uploads, incomplete uploads removed) — against
 * AWS or the local services.
 */

/** How long one attempt of a provisioning call may take (creating a table answers at once; waiting is polled). */
const callTimeoutMs = 10_000;

export interface ProvisionOptions {
  /** The table definitions by logical name (`tables` of `models/tables.ts`). */
  tables: Readonly<Record<string, TableDefinition>>;
  /** List the changes, make none. */
  dryRun: boolean;
  /** Receives each line as it happens. */
  report?: (line: string) => void;
  /** Pause between two looks at a table that is not ACTIVE yet (2 s by default). */
  pollMs?: number;
}

/**
 * Provisions the tables, then the bucket, of a configuration. A resource that fails or cannot be
 * fixed in place is a problem line; the others are still provisioned.
 * @returns the run: its lines, counts and summary (`problems` > 0 means the command should fail)
 */
export async function provision(config: Config, options: ProvisionOptions): Promise<ProvisionRun> {
  const run = new ProvisionRun({ dryRun: options.dryRun, ...(options.report ? { report: options.report } : {}) });
  const ddb = createDynamoDbClient(config, callTimeoutMs, 'provision');
  const profileImages = createProfileImages(config);
  try {
    for (const definition of Object.values(options.tables)) {
      const table = { definition, name: physicalTableName(config.dynamodb_table_prefix, definition) };
      try {
        await provisionTable(ddb, table, run, { protect: true, ...(options.pollMs ? { pollMs: options.pollMs } : {}) });
      } catch (error) {
        run.problem(
          `DynamoDB table ${table.name}`,
          `cannot be provisioned at ${dynamodbLocation(config)}: ${messageOf(error)}`,
        );
      }
    }
    try {
      await profileImages.provisionBucket(run);
    } catch (error) {
      run.problem(
        `S3 bucket ${config.s3_bucket}`,
        `cannot be provisioned at ${profileImages.where}: ${messageOf(error)}`,
      );
    }
  } finally {
    ddb.destroy();
    profileImages.destroy();
  }
  return run;
}
