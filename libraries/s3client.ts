import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { getSignedUrl as presignUrl } from '@aws-sdk/s3-request-presigner';
import type { SignedUpload } from '../client/types';
import { corsOrigins, type Config } from '../config/schema';
import { logAwsOperations, requestHandlerOptions, type AwsRole } from './awsClients';
import { checkBucket, provisionBucket, type BucketSettingsScope } from './bucketSetup';
import { HttpError } from './errors';
import { ProvisionRun } from './provisionRun';
import { ServiceGuard } from './serviceGuard';

/**
 * The store of profile images (`ProfileImages`): every call the server makes to S3 (or an
 * S3-compatible server such as s3rver) goes through here. The file keeps the seed's path.
 */

/** How long a signed upload URL is accepted, in seconds. */
export const signedUrlTtlS = 60;

/** How long a signed download URL of a profile picture is accepted, in seconds (at most an hour). */
export const imageDownloadTtlS = 3600;

/**
 * How long a client may keep a redirect to a signed download, and the downloaded picture, in
 * seconds: well below the URL's lifetime, so a cached redirect never leads to an expired URL.
 */
export const imageDownloadMaxAgeS = 3000;

/** Credentials s3rver accepts (its built-in account). */
export const localS3Credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

/** Where a bucket's objects are publicly read. */
export interface S3Location {
  region: string;
  /** S3-compatible server, addressed path-style; AWS (virtual-hosted) when undefined. */
  endpoint?: string | undefined;
}

export interface ProfileImagesOptions extends S3Location {
  /** The bucket of profile images. */
  profileImagesBucket: string;
  /** Origins allowed to PUT from a browser (`['*']` for any). */
  corsOrigins: readonly string[];
  /** Explicit credentials; the standard AWS chain when undefined. */
  credentials?: { accessKeyId: string; secretAccessKey: string } | undefined;
  /** The clock used to sign (tests sign in the past to produce expired URLs). */
  now?: () => Date;
  /** Longest an S3 call may take, retries included (`s3TimeoutMs` by default); past it the call fails with a 503. */
  timeoutMs?: number;
  /**
   * Log every operation sent when `NODE_JOBS_AWS_OPERATIONS_LOG` names a file (the test harness
   * checks them against `node-jobs iam-policy`); `createProfileImages` turns it on.
   */
  logOperations?: boolean;
}

/** How long an S3 call may take by default, and how many may wait at once. */
export const s3TimeoutMs = 5000;
const s3MaxInFlight = 32;

/** Percent-encodes each segment of an object key, keeping its slashes. */
function encodeKey(key: string): string {
  return key
    .split('/')
    .map((segment) =>
      encodeURIComponent(segment).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`),
    )
    .join('/');
}

/**
 * The public URL of an object: `<endpoint>/<bucket>/<key>` on an S3-compatible server (path-style),
 * `https://<bucket>.s3.<region>.amazonaws.com/<key>` on AWS. Pure: it contacts nothing.
 */
export function publicUrl(location: S3Location, bucket: string, key: string): string {
  if (location.endpoint !== undefined) return `${location.endpoint.replace(/\/+$/, '')}/${bucket}/${encodeKey(key)}`;
  return `https://${bucket}.s3.${location.region}.amazonaws.com/${encodeKey(key)}`;
}

/** The prefix of every profile image's key: the only keys the server's IAM policy lets it write. */
export const profileImageKeyPrefix = 'profile-images/';

/** The S3 object actions the server calls on the profile images (signed uploads and downloads, existence checks, deletions). */
export const profileImageActions = ['s3:PutObject', 's3:GetObject', 's3:DeleteObject'] as const;

/** The HTTP status of an S3 error, if it is one. */
function statusOf(error: unknown): number | undefined {
  return error instanceof S3ServiceException ? error.$metadata.httpStatusCode : undefined;
}

/** The object key of a user's profile picture: derived from the user id alone, always one segment under `profile-images/`. */
export function profileImageKey(userId: string): string {
  return `${profileImageKeyPrefix}${encodeURIComponent(userId)}`;
}

/**
 * The URL of a user's profile picture where the bucket is served publicly (`s3_public_url`, e.g. a
 * CloudFront domain): `<publicBase>/profile-images/<id>`. Pure: it contacts nothing.
 */
export function profileImageUrl(publicBase: string, userId: string): string {
  return `${publicBase.replace(/\/+$/, '')}/${encodeKey(profileImageKey(userId))}`;
}

/** The profile images of one server: its own AWS client, bucket set-up and signed upload URLs. */
export class ProfileImages {
  readonly client: S3Client;
  private readonly now: () => Date;

  constructor(readonly options: ProfileImagesOptions) {
    this.now = options.now ?? (() => new Date());
    const timeoutMs = options.timeoutMs ?? s3TimeoutMs;
    this.client = this.createClient('server');
    // A stalled S3 must not hang requests: each attempt times out, and the guard bounds the whole call.
    const guard = new ServiceGuard({ service: 'S3', timeoutMs, maxInFlight: s3MaxInFlight });
    this.client.middlewareStack.add(
      (next) => async (args) => {
        try {
          return await guard.run(() => next(args));
        } catch (error) {
          throw missingBucketAs503(error);
        }
      },
      { step: 'initialize', name: 'serviceGuard' },
    );
  }

  /** An S3 client of these options, for the server's calls or for preparing the bucket. */
  private createClient(role: AwsRole, bucket = this.options.profileImagesBucket): S3Client {
    const { options } = this;
    const client = new S3Client({
      region: options.region,
      requestHandler: requestHandlerOptions(options.timeoutMs ?? s3TimeoutMs),
      maxAttempts: 2,
      ...(options.endpoint !== undefined ? { endpoint: options.endpoint, forcePathStyle: true } : {}),
      ...(options.credentials ? { credentials: options.credentials } : {}),
      // Otherwise the SDK signs the CRC32 of an empty body into presigned PUT URLs, and S3 refuses every real upload.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    if (options.logOperations) logAwsOperations(client, 's3', role, { region: options.region, bucket });
    return client;
  }

  /** Where the bucket is, for messages: the endpoint, or AWS and the region. */
  get where(): string {
    return this.options.endpoint ?? `AWS ${this.options.region}`;
  }

  /**
   * Creates the bucket of profile images when missing and gives it its settings, changing only what
   * differs and recording each change in `run`: all of them for `provision` (public access blocked,
   * CORS, incomplete uploads removed), only the CORS rules for `dev`'s local bucket.
   * @throws the SDK's error when S3 refuses (no access, name taken by another account)
   */
  async provisionBucket(
    run: ProvisionRun,
    scope: BucketSettingsScope = 'all',
    name = this.options.profileImagesBucket,
  ): Promise<void> {
    const client = this.createClient('provision', name);
    try {
      await provisionBucket(
        client,
        { name, region: this.options.region, corsOrigins: this.options.corsOrigins },
        run,
        scope,
      );
    } finally {
      client.destroy();
    }
  }

  /**
   * Makes sure a bucket exists — creating it when missing — with the CORS rules for browser
   * uploads (what `dev` and the tests do with their local bucket; `serve` in production only
   * checks, see `checkBucket`). Safe when the bucket already exists, and when another server
   * creates it concurrently.
   * @throws Error naming the bucket when S3 refuses (no access, name taken by another account)
   */
  async ensureBucket(name: string): Promise<void> {
    try {
      await this.provisionBucket(new ProvisionRun({ dryRun: false }), 'cors', name);
    } catch (error) {
      const reason = error instanceof Error ? error.message || error.name : String(error);
      throw new Error(`S3 bucket "${name}" cannot be prepared at ${this.where}: ${reason}`, { cause: error });
    }
  }

  /**
   * The start-up check of `serve` in production: the bucket of profile images exists and can be
   * reached. It changes nothing (no CORS, no policy).
   * @throws Error with one line naming the bucket and what to do
   */
  async checkBucket(): Promise<void> {
    await checkBucket(this.client, this.options.profileImagesBucket, this.where);
  }

  /**
   * Signs a PUT of one object: the content type and the length are signed, so the storage takes
   * no other body; the URL expires after `signedUrlTtlS` seconds.
   * @returns the signed PUT URL, the object's URL on the storage and when the signature expires
   */
  async getSignedUrl(bucket: string, key: string, fileType: string, fileSize: number): Promise<SignedUpload> {
    // X-Amz-Date has whole seconds; signing at a whole second makes `expiresAt` exact.
    const signedAt = new Date(Math.floor(this.now().getTime() / 1000) * 1000);
    const command = new PutObjectCommand({ Bucket: bucket, Key: key, ContentType: fileType, ContentLength: fileSize });
    const signedHeaders = new Set(['content-type', 'content-length']);
    const signedRequest = await presignUrl(this.client, command, {
      expiresIn: signedUrlTtlS,
      signingDate: signedAt,
      signableHeaders: signedHeaders,
      unhoistableHeaders: signedHeaders,
    });
    return {
      signedRequest,
      url: this.publicUrl(bucket, key),
      expiresAt: new Date(signedAt.getTime() + signedUrlTtlS * 1000).toISOString(),
    };
  }

  /** The URL of an object in a bucket (see `publicUrl`; readable by anyone only if the bucket is public). */
  publicUrl(bucket: string, key: string): string {
    return publicUrl(this.options, bucket, key);
  }

  /** The origin browsers upload pictures to and download them from with signed URLs. */
  storageOrigin(): string {
    return new URL(this.publicUrl(this.options.profileImagesBucket, profileImageKey('origin'))).origin;
  }

  /**
   * Tells whether a user has a profile picture (a HEAD of its object). S3 answers 403 rather than
   * 404 for a missing object to credentials that may read objects but not list the bucket (the
   * least privilege the server needs), so both mean "none".
   * @throws the S3 client's error for any other failure (the guard's 503 on a timeout)
   */
  async hasProfileImage(userId: string): Promise<boolean> {
    try {
      await this.client.send(
        new HeadObjectCommand({ Bucket: this.options.profileImagesBucket, Key: profileImageKey(userId) }),
      );
      return true;
    } catch (error) {
      const status = statusOf(error);
      if (status === 404 || status === 403) return false;
      throw error;
    }
  }

  /**
   * Signs a GET of a user's profile picture, valid `imageDownloadTtlS` seconds; the storage answers
   * it with `Cache-Control: private, max-age=<imageDownloadMaxAgeS>`. Contacts nothing.
   */
  signProfileImageDownload(userId: string): Promise<string> {
    const command = new GetObjectCommand({
      Bucket: this.options.profileImagesBucket,
      Key: profileImageKey(userId),
      ResponseCacheControl: `private, max-age=${imageDownloadMaxAgeS}`,
    });
    return presignUrl(this.client, command, { expiresIn: imageDownloadTtlS, signingDate: this.now() });
  }

  /** Signs the upload of a user's profile picture (key from the user id alone). */
  signProfileImageUpload(userId: string, fileType: string, fileSize: number): Promise<SignedUpload> {
    return this.getSignedUrl(this.options.profileImagesBucket, profileImageKey(userId), fileType, fileSize);
  }

  /** Deletes a user's profile picture, if there is one (deleting a missing object succeeds). */
  async deleteProfileImage(userId: string): Promise<void> {
    await this.client.send(
      new DeleteObjectCommand({ Bucket: this.options.profileImagesBucket, Key: profileImageKey(userId) }),
    );
  }

  /** Closes the AWS client's connections. */
  destroy(): void {
    this.client.destroy();
  }
}

/**
 * Builds the profile-image store of a configuration. With an `s3_endpoint` outside production and no AWS
 * credentials in the environment, it uses s3rver's fixed credentials (like `libraries/dynamoose.ts` does
 * for DynamoDB Local); otherwise the standard AWS chain.
 */
export function createProfileImages(config: Config, env: NodeJS.ProcessEnv = process.env): ProfileImages {
  const local = config.s3_endpoint !== undefined && config.env !== 'production';
  return new ProfileImages({
    region: config.aws_region,
    endpoint: config.s3_endpoint,
    profileImagesBucket: config.s3_bucket,
    corsOrigins: corsOrigins(config),
    credentials: local && !env.AWS_ACCESS_KEY_ID ? { ...localS3Credentials } : undefined,
    logOperations: true,
  });
}

/** A bucket that is gone answers like S3 being down (503), never a 500 on every image route. */
function missingBucketAs503(error: unknown): unknown {
  if ((error as { name?: unknown } | undefined)?.name !== 'NoSuchBucket') return error;
  return new HttpError(
    503,
    'S3 is unavailable: the bucket of profile images is missing.',
    { 'Retry-After': '5' },
    { cause: error },
  );
}
