import {
  CreateBucketCommand,
  GetBucketCorsCommand,
  GetBucketLifecycleConfigurationCommand,
  GetPublicAccessBlockCommand,
  HeadBucketCommand,
  PutBucketCorsCommand,
  PutBucketLifecycleConfigurationCommand,
  PutPublicAccessBlockCommand,
  S3ServiceException,
  type BucketLocationConstraint,
  type CORSRule,
  type LifecycleRule,
  type PublicAccessBlockConfiguration,
  type S3Client,
} from '@aws-sdk/client-s3';
import { messageOf } from './errors';
import { isUnsupportedOperation, unsupportedReason, type ProvisionRun } from './provisionRun';

/**
 * The bucket of profile images as node-jobs needs it: the start-up check of `serve` (it changes
 * nothing), and its creation and settings by `provision` (and by `dev`, for its local bucket).
 */

/** What a bucket is made with. */
export interface BucketSettings {
  name: string;
  region: string;
  /** Origins allowed to PUT from a browser (`['*']` for any). */
  corsOrigins: readonly string[];
}

/**
 * The S3 actions `provision` (and `dev` preparing its bucket) calls on the bucket, as IAM names:
 * HeadBucket needs `s3:ListBucket`, the CORS calls `s3:…BucketCORS`, the lifecycle ones
 * `s3:…LifecycleConfiguration`.
 */
export const bucketProvisioningActions = [
  's3:ListBucket',
  's3:CreateBucket',
  's3:GetBucketPublicAccessBlock',
  's3:PutBucketPublicAccessBlock',
  's3:GetBucketCORS',
  's3:PutBucketCORS',
  's3:GetLifecycleConfiguration',
  's3:PutLifecycleConfiguration',
] as const;

/** The CORS rules that let browsers of `origins` PUT signed uploads (their type and length are signed) and read the pictures. */
export function browserUploadCorsRules(origins: readonly string[]): CORSRule[] {
  return [
    {
      AllowedOrigins: [...origins],
      AllowedMethods: ['PUT', 'GET', 'HEAD'],
      AllowedHeaders: ['Content-Type', 'Content-Length'],
      ExposeHeaders: ['ETag'],
      MaxAgeSeconds: 3000,
    },
  ];
}

/** Every public access blocked: the bucket is private, images are read through signed URLs. */
export const privateBucketAccess: Required<PublicAccessBlockConfiguration> = {
  BlockPublicAcls: true,
  IgnorePublicAcls: true,
  BlockPublicPolicy: true,
  RestrictPublicBuckets: true,
};

/** The lifecycle rule removing the parts of multipart uploads nobody completed within a day. */
export const abortIncompleteUploadsRule: LifecycleRule = {
  ID: 'node-jobs-abort-incomplete-uploads',
  Status: 'Enabled',
  Filter: { Prefix: '' },
  AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
};

/** The HTTP status of an S3 error, if it is one. */
export function s3StatusOf(error: unknown): number | undefined {
  return error instanceof S3ServiceException ? error.$metadata.httpStatusCode : undefined;
}

const errorName = (error: unknown) => (error as { name?: unknown } | undefined)?.name;

/** Access denied, in words an operator can act on. */
const accessDenied = 'access denied (the bucket belongs to another account, or these credentials may not use it)';

/**
 * Tells whether the bucket exists and is ours to use.
 * @throws Error when access is denied
 */
export async function bucketExists(s3: S3Client, name: string): Promise<boolean> {
  try {
    await s3.send(new HeadBucketCommand({ Bucket: name }));
    return true;
  } catch (error) {
    if (s3StatusOf(error) === 404) return false;
    if (s3StatusOf(error) === 403) throw new Error(`${accessDenied}.`, { cause: error });
    throw error;
  }
}

/**
 * The start-up check of `serve` in production: the bucket exists and these credentials reach it.
 * It changes nothing.
 * @param where where S3 is, for the message
 * @throws Error with one line naming the bucket and what to do
 */
export async function checkBucket(s3: S3Client, name: string, where: string): Promise<void> {
  let exists: boolean;
  try {
    exists = await bucketExists(s3, name);
  } catch (error) {
    throw new Error(`S3 bucket ${name} cannot be reached (${where}): ${messageOf(error)}`, { cause: error });
  }
  if (!exists) throw new Error(`S3 bucket ${name} does not exist (${where}); create it with: node-jobs provision.`);
}

/** Creates a bucket; another process creating it at the same moment is fine. */
async function createBucket(s3: S3Client, bucket: BucketSettings): Promise<void> {
  // Outside us-east-1, AWS wants the region restated as the location constraint.
  const configuration =
    bucket.region === 'us-east-1'
      ? {}
      : { CreateBucketConfiguration: { LocationConstraint: bucket.region as BucketLocationConstraint } };
  try {
    await s3.send(new CreateBucketCommand({ Bucket: bucket.name, ...configuration }));
  } catch (error) {
    if (s3StatusOf(error) === 409 && (await bucketExists(s3, bucket.name))) return;
    throw error;
  }
}

/** A CORS rule with its lists sorted (headers in lower case), to compare rules by meaning. */
function normalizedRule(rule: CORSRule): string {
  const sorted = (values: string[] | undefined, lower = false) =>
    [...(values ?? [])].map((value) => (lower ? value.toLowerCase() : value)).sort();
  return JSON.stringify([
    sorted(rule.AllowedOrigins),
    sorted(rule.AllowedMethods),
    sorted(rule.AllowedHeaders, true),
    sorted(rule.ExposeHeaders, true),
    rule.MaxAgeSeconds ?? null,
  ]);
}

const sameCorsRules = (a: CORSRule[], b: CORSRule[]) =>
  JSON.stringify(a.map(normalizedRule).sort()) === JSON.stringify(b.map(normalizedRule).sort());

/** Which settings a run gives the bucket: all of them (`provision`), or only the CORS rules (`dev`'s local bucket). */
export type BucketSettingsScope = 'all' | 'cors';

/**
 * Creates the bucket when missing and gives it its settings — all public access blocked, the CORS
 * rules for browser uploads, incomplete multipart uploads removed after a day — changing only what
 * differs, recording each change in `run`. Settings the endpoint does not implement are skipped.
 * @throws the SDK's error when S3 refuses (access denied, a name another account holds)
 */
export async function provisionBucket(
  s3: S3Client,
  bucket: BucketSettings,
  run: ProvisionRun,
  scope: BucketSettingsScope = 'all',
): Promise<void> {
  const resource = `S3 bucket ${bucket.name}`;
  if (!(await bucketExists(s3, bucket.name))) {
    await run.change(resource, `create (in ${bucket.region})`, () => createBucket(s3, bucket));
    // Nothing can be read from a bucket that a dry run did not create: every setting is to make.
    if (run.dryRun) {
      for (const setting of bucketSettings(s3, bucket, scope))
        await run.change(resource, setting.action, setting.apply);
      return;
    }
  }
  for (const setting of bucketSettings(s3, bucket, scope)) {
    let current: boolean;
    try {
      current = await setting.isCurrent();
    } catch (error) {
      if (!isUnsupportedOperation(error)) throw error;
      run.skip(resource, setting.action, unsupportedReason(error));
      continue;
    }
    if (!current) await run.change(resource, setting.action, setting.apply);
  }
}

/** One setting of the bucket: whether it is as wanted, and how to make it so. */
interface BucketSetting {
  action: string;
  isCurrent: () => Promise<boolean>;
  apply: () => Promise<void>;
}

function bucketSettings(s3: S3Client, bucket: BucketSettings, scope: BucketSettingsScope): BucketSetting[] {
  const cors: BucketSetting = {
    action: `set CORS: PUT from ${bucket.corsOrigins.join(', ')} with Content-Type and Content-Length`,
    async isCurrent() {
      try {
        const { CORSRules } = await s3.send(new GetBucketCorsCommand({ Bucket: bucket.name }));
        return sameCorsRules(CORSRules ?? [], browserUploadCorsRules(bucket.corsOrigins));
      } catch (error) {
        if (errorName(error) === 'NoSuchCORSConfiguration') return false;
        throw error;
      }
    },
    async apply() {
      await s3.send(
        new PutBucketCorsCommand({
          Bucket: bucket.name,
          CORSConfiguration: { CORSRules: browserUploadCorsRules(bucket.corsOrigins) },
        }),
      );
    },
  };
  if (scope === 'cors') return [cors];
  return [blockPublicAccess(s3, bucket.name), cors, abortIncompleteUploads(s3, bucket.name)];
}

function blockPublicAccess(s3: S3Client, name: string): BucketSetting {
  return {
    action: 'block all public access',
    async isCurrent() {
      try {
        const { PublicAccessBlockConfiguration: found } = await s3.send(
          new GetPublicAccessBlockCommand({ Bucket: name }),
        );
        return Object.keys(privateBucketAccess).every(
          (key) => found?.[key as keyof PublicAccessBlockConfiguration] === true,
        );
      } catch (error) {
        if (errorName(error) === 'NoSuchPublicAccessBlockConfiguration') return false;
        throw error;
      }
    },
    async apply() {
      await s3.send(
        new PutPublicAccessBlockCommand({ Bucket: name, PublicAccessBlockConfiguration: { ...privateBucketAccess } }),
      );
    },
  };
}

function abortIncompleteUploads(s3: S3Client, name: string): BucketSetting {
  let rules: LifecycleRule[] = [];
  return {
    action: 'remove incomplete multipart uploads after 1 day',
    async isCurrent() {
      try {
        rules = (await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: name }))).Rules ?? [];
      } catch (error) {
        if (errorName(error) === 'NoSuchLifecycleConfiguration') return false;
        throw error;
      }
      // Any enabled rule for the whole bucket that aborts them within a day will do.
      return rules.some(
        (rule) =>
          rule.Status === 'Enabled' &&
          (rule.AbortIncompleteMultipartUpload?.DaysAfterInitiation ?? Infinity) <= 1 &&
          !rule.Filter?.Prefix &&
          !rule.Filter?.Tag &&
          !rule.Filter?.And &&
          !rule.Prefix,
      );
    },
    async apply() {
      // The configuration is replaced as a whole: keep the rules others made.
      const kept = rules.filter((rule) => rule.ID !== abortIncompleteUploadsRule.ID);
      await s3.send(
        new PutBucketLifecycleConfigurationCommand({
          Bucket: name,
          LifecycleConfiguration: { Rules: [...kept, abortIncompleteUploadsRule] },
        }),
      );
    },
  };
}
