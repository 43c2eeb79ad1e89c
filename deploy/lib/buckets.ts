import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { DeploySettings } from './settings';

/**
 * The private bucket of profile images (browsers upload with signed URLs and read through the API's
 * signed redirects; nothing is public), and the bucket of access logs (its own, the load balancer's).
 */
export class Buckets extends Construct {
  readonly profileImages: s3.Bucket;
  readonly logs: s3.Bucket;

  constructor(scope: Construct, id: string, settings: Pick<DeploySettings, 'bucketName' | 'corsOrigins'>) {
    super(scope, id);
    this.logs = new s3.Bucket(this, 'Logs', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      // The load balancer writes its access logs only to buckets encrypted with S3-managed keys.
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ expiration: Duration.days(90), abortIncompleteMultipartUploadAfter: Duration.days(1) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.profileImages = new s3.Bucket(this, 'ProfileImages', {
      bucketName: settings.bucketName,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // Browsers PUT their picture straight to S3 with the signed URL of the API.
      cors: [
        {
          allowedOrigins: [...settings.corsOrigins],
          allowedMethods: [s3.HttpMethods.PUT],
          allowedHeaders: ['Content-Type', 'Content-Length'],
          maxAge: 3000,
        },
      ],
      lifecycleRules: [{ abortIncompleteMultipartUploadAfter: Duration.days(1) }],
      serverAccessLogsBucket: this.logs,
      serverAccessLogsPrefix: 's3/profile-images/',
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
