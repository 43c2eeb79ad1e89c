import { Annotations, CfnOutput, Fn, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { Buckets } from './buckets';
import { LoadBalancer } from './loadBalancer';
import { Network } from './network';
import { Redis } from './redis';
import { iamPolicy, tables } from './server';
import { containerName, Service } from './service';
import { containerPort, serverTimings, type DeploySettings } from './settings';
import { Tables } from './tables';

export interface NodeJobsStackProps extends StackProps {
  readonly settings: DeploySettings;
}

/**
 * node-jobs on AWS, from an empty account: the network, the tables, the images bucket, Redis, the
 * secrets, the service on Fargate and its load balancer.
 */
export class NodeJobsStack extends Stack {
  readonly settings: DeploySettings;
  readonly network: Network;
  readonly tables: Tables;
  readonly buckets: Buckets;
  readonly redis: Redis;
  readonly appKey: secretsmanager.Secret;
  readonly service: Service;
  readonly loadBalancer: LoadBalancer;

  constructor(scope: Construct, id: string, props: NodeJobsStackProps) {
    super(scope, id, props);
    const { settings } = props;
    this.settings = settings;
    this.network = new Network(this, 'Network', settings);
    this.tables = new Tables(this, 'Tables', settings.tablePrefix);
    this.buckets = new Buckets(this, 'Buckets', settings);
    this.redis = new Redis(this, 'Redis', this.network.vpc, settings);

    this.appKey = new secretsmanager.Secret(this, 'AppKey', {
      description: 'node-jobs app_key: the HMAC secret of its tokens',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
    });
    // Justified: a new app_key invalidates every token at once (all users signed out); it is changed
    // by hand when needed (README), not on a schedule.
    Validations.of(this.appKey).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: 'Rotating app_key signs every user out at once: an operator decision (README), not a schedule.',
    });

    this.service = new Service(this, 'Server', {
      vpc: this.network.vpc,
      settings,
      taskPolicy: iamPolicy({
        role: 'server',
        region: settings.region,
        account: settings.account,
        tablePrefix: settings.tablePrefix,
        bucket: this.buckets.profileImages.bucketName,
        tables,
      }),
      environment: this.serverEnvironment(settings),
      secrets: this.serverSecrets(settings),
    });
    this.redis.allowFrom(this.service.service);
    this.loadBalancer = new LoadBalancer(this, 'Entry', {
      vpc: this.network.vpc,
      service: this.service.service,
      settings,
      logs: this.buckets.logs,
    });
    this.outputs();
  }

  /** The server's configuration that is not secret (README "Configuration"), as environment variables. */
  private serverEnvironment(settings: DeploySettings): Record<string, string> {
    const environment: Record<string, string> = {
      NODE_ENV: 'production',
      port: String(containerPort),
      host: '0.0.0.0',
      // One hop: the load balancer. Without it every client would share the balancer's address.
      trust_proxy: '1',
      log_file: '-',
      aws_region: settings.region,
      dynamodb_table_prefix: settings.tablePrefix,
      s3_bucket: this.buckets.profileImages.bucketName,
      socket_adapter: 'redis',
      redis_url: this.redis.url,
      cors_origin: settings.corsOrigins.join(','),
      app_url: settings.appUrl,
      keep_alive_timeout_s: String(serverTimings.keepAliveTimeoutS),
      shutdown_delay_s: String(serverTimings.shutdownDelayS),
      shutdown_timeout_s: String(serverTimings.shutdownTimeoutS),
      max_connections_per_ip: String(settings.maxConnectionsPerIp),
    };
    if (settings.mailFrom !== undefined) environment.mail_from = settings.mailFrom;
    if (settings.s3PublicUrl !== undefined) environment.s3_public_url = settings.s3PublicUrl;
    return environment;
  }

  /** The secret configuration, read by ECS from Secrets Manager when a task starts. */
  private serverSecrets(settings: DeploySettings): Record<string, ecs.Secret> {
    const secrets: Record<string, ecs.Secret> = {
      app_key: ecs.Secret.fromSecretsManager(this.appKey),
      redis_password: ecs.Secret.fromSecretsManager(this.redis.authToken),
    };
    if (settings.smtpUrlSecret !== undefined) {
      const smtp = settings.smtpUrlSecret.startsWith('arn:')
        ? secretsmanager.Secret.fromSecretCompleteArn(this, 'SmtpUrl', settings.smtpUrlSecret)
        : secretsmanager.Secret.fromSecretNameV2(this, 'SmtpUrl', settings.smtpUrlSecret);
      secrets.smtp_url = ecs.Secret.fromSecretsManager(smtp);
    } else {
      Annotations.of(this).addWarningV2(
        'node-jobs:no-smtp',
        'No smtpUrlSecret in the context: the service will send no mail (password resets, email verification).',
      );
    }
    return secrets;
  }

  /** What the README's next steps need: the address to point DNS at, and the one-off CLI task. */
  private outputs(): void {
    const service = this.service.service;
    new CfnOutput(this, 'LoadBalancerDnsName', {
      description: 'Point the API domain (a CNAME or an alias record) at this name',
      value: this.loadBalancer.loadBalancer.loadBalancerDnsName,
    });
    new CfnOutput(this, 'ClusterName', { value: this.service.cluster.clusterName });
    new CfnOutput(this, 'ServiceName', { value: service.serviceName });
    new CfnOutput(this, 'ProfileImagesBucket', { value: this.buckets.profileImages.bucketName });
    const subnets = this.network.vpc.selectSubnets({ subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }).subnetIds;
    const securityGroups = service.connections.securityGroups.map((group) => group.securityGroupId);
    new CfnOutput(this, 'RunTaskNetwork', {
      description: 'The --network-configuration of `aws ecs run-task` for one-off CLI commands',
      value: Fn.join('', [
        'awsvpcConfiguration={subnets=[',
        Fn.join(',', subnets),
        '],securityGroups=[',
        Fn.join(',', securityGroups),
        '],assignPublicIp=DISABLED}',
      ]),
    });
    new CfnOutput(this, 'TaskDefinitionFamily', { value: this.service.taskDefinition.family });
    new CfnOutput(this, 'ContainerName', { value: containerName });
  }
}
