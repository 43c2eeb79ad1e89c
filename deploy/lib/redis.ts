import { Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { DeploySettings } from './settings';

/** Not Redis's default 6379: one scan-worthy default less (AwsSolutions-AEC5). */
export const redisPort = 6380;

/**
 * ElastiCache Redis for revocations, rate limits, account events and the socket.io adapter: a
 * primary and a replica in two zones with automatic failover, TLS and encryption at rest, an AUTH
 * token kept in Secrets Manager, and `maxmemory-policy noeviction` (an evicted revocation would
 * bring a logged-out token back to life).
 */
export class Redis extends Construct {
  readonly replicationGroup: elasticache.CfnReplicationGroup;
  readonly authToken: secretsmanager.Secret;
  readonly securityGroup: ec2.SecurityGroup;
  readonly parameterGroup: elasticache.CfnParameterGroup;

  constructor(scope: Construct, id: string, vpc: ec2.IVpc, settings: Pick<DeploySettings, 'redisNodeType'>) {
    super(scope, id);
    this.authToken = new secretsmanager.Secret(this, 'AuthToken', {
      description: 'AUTH token of the node-jobs Redis (redis_password)',
      // ElastiCache takes 16 to 128 printable characters without @, " or /: letters and digits only.
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
    });
    // Justified: rotating the AUTH token needs ElastiCache's two-step token rotation (ROTATE, then SET)
    // coordinated with a new task deployment; it is an operator's procedure (README), not a scheduled Lambda.
    Validations.of(this.authToken).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: 'The Redis AUTH token is rotated with ElastiCache ROTATE/SET and a redeployment of the tasks, by hand.',
    });

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc,
      description: 'node-jobs Redis: reached by the service tasks only',
      allowAllOutbound: false,
    });
    const subnets = new elasticache.CfnSubnetGroup(this, 'Subnets', {
      description: 'node-jobs Redis: private subnets',
      subnetIds: vpc.selectSubnets({ subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }).subnetIds,
    });
    this.parameterGroup = new elasticache.CfnParameterGroup(this, 'Parameters', {
      cacheParameterGroupFamily: 'redis7',
      description: 'node-jobs: never evict a key (revoked tokens must stay revoked)',
      properties: { 'maxmemory-policy': 'noeviction' },
    });
    this.replicationGroup = new elasticache.CfnReplicationGroup(this, 'ReplicationGroup', {
      replicationGroupDescription: 'node-jobs Redis',
      engine: 'redis',
      engineVersion: '7.1',
      cacheNodeType: settings.redisNodeType,
      numCacheClusters: 2,
      multiAzEnabled: true,
      automaticFailoverEnabled: true,
      port: redisPort,
      transitEncryptionEnabled: true,
      atRestEncryptionEnabled: true,
      authToken: this.authToken.secretValue.unsafeUnwrap(), // a {{resolve:secretsmanager:…}} reference, never the value
      cacheParameterGroupName: this.parameterGroup.ref,
      cacheSubnetGroupName: subnets.ref,
      securityGroupIds: [this.securityGroup.securityGroupId],
      snapshotRetentionLimit: 1,
    });
  }

  /** `redis_url`: TLS to the primary endpoint, which follows a failover. The password comes apart, from the secret. */
  get url(): string {
    return `rediss://${this.replicationGroup.attrPrimaryEndPointAddress}:${this.replicationGroup.attrPrimaryEndPointPort}`;
  }

  /** Lets `peer` open connections to Redis. */
  allowFrom(peer: ec2.IConnectable): void {
    this.securityGroup.connections.allowFrom(peer, ec2.Port.tcp(redisPort), 'node-jobs tasks to Redis');
  }
}
