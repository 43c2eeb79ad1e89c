import { join } from 'node:path';
import { Duration, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { healthCheckOf, readDockerfile } from './dockerfile';
import type { IamPolicyDocument } from './server';
import { containerPort, serverTimings, type DeploySettings } from './settings';

/** The repository's root: the Docker build context. */
export const repositoryRoot = join(import.meta.dirname, '../..');

/** The name of the server's container in the task definition (the `aws ecs run-task` overrides name it). */
export const containerName = 'server';

export interface ServiceProps {
  readonly vpc: ec2.IVpc;
  readonly settings: DeploySettings;
  /** The server's IAM policy (`node-jobs iam-policy` for this deployment): the task role's only statements. */
  readonly taskPolicy: IamPolicyDocument;
  /** The configuration of the server that is not secret, as environment variables. */
  readonly environment: Record<string, string>;
  /** The configuration that is secret: read by ECS from Secrets Manager when a task starts. */
  readonly secrets: Record<string, ecs.Secret>;
}

/**
 * The server on ECS Fargate: the project's Dockerfile built from the repository, at least two tasks
 * in the private subnets, CPU auto-scaling, logs in CloudWatch, and a task role with exactly the
 * statements of `node-jobs iam-policy`.
 */
export class Service extends Construct {
  readonly cluster: ecs.Cluster;
  readonly taskDefinition: ecs.FargateTaskDefinition;
  readonly taskRole: iam.Role;
  readonly service: ecs.FargateService;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ServiceProps) {
    super(scope, id);
    const { settings } = props;
    this.cluster = new ecs.Cluster(this, 'Cluster', {
      vpc: props.vpc,
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
    });

    this.taskRole = new iam.Role(this, 'TaskRole', {
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
      description: 'node-jobs server and CLI: the statements of `node-jobs iam-policy`',
      inlinePolicies: { server: policyDocument(props.taskPolicy) },
    });
    acknowledgeWildcardResources(this.taskRole, props.taskPolicy);

    this.taskDefinition = new ecs.FargateTaskDefinition(this, 'Task', {
      cpu: settings.taskCpu,
      memoryLimitMiB: settings.taskMemoryMiB,
      taskRole: this.taskRole,
      runtimePlatform: {
        cpuArchitecture: ecs.CpuArchitecture.X86_64,
        operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
      },
    });
    this.logGroup = new logs.LogGroup(this, 'Logs', { retention: settings.logRetention });
    const healthCheck = healthCheckOf(readDockerfile(join(repositoryRoot, 'Dockerfile')).at(-1)!);
    this.taskDefinition.addContainer(containerName, {
      // Built from the repository by `cdk deploy` (docker build); synthesis only hashes the build context.
      image: ecs.ContainerImage.fromAsset(repositoryRoot, { platform: Platform.LINUX_AMD64 }),
      portMappings: [{ containerPort }],
      environment: props.environment,
      secrets: props.secrets,
      logging: ecs.LogDrivers.awsLogs({ streamPrefix: 'node-jobs', logGroup: this.logGroup }),
      // ECS ignores the image's HEALTHCHECK: the same command, read from the Dockerfile.
      healthCheck: {
        command: ['CMD', ...healthCheck.command],
        interval: healthCheck.intervalS === undefined ? undefined : Duration.seconds(healthCheck.intervalS),
        timeout: healthCheck.timeoutS === undefined ? undefined : Duration.seconds(healthCheck.timeoutS),
        startPeriod: healthCheck.startPeriodS === undefined ? undefined : Duration.seconds(healthCheck.startPeriodS),
        retries: healthCheck.retries,
      },
      // SIGTERM, then SIGKILL only once the server has had all of shutdown_timeout_s to finish.
      stopTimeout: Duration.seconds(serverTimings.shutdownTimeoutS + 10),
      // An init process as PID 1 forwards signals and reaps the children of the CLI's commands.
      linuxParameters: new ecs.LinuxParameters(this, 'Linux', { initProcessEnabled: true }),
    });
    // Justified: these are the non-secret settings (NODE_ENV, endpoints, origins, timings); app_key,
    // the Redis password and the SMTP URL are ECS secrets read from Secrets Manager at task start.
    Validations.of(this.taskDefinition).acknowledge({
      id: 'AwsSolutions-ECS2',
      reason: 'Only non-secret settings are environment variables; every secret is an ECS secret from Secrets Manager.',
    });
    acknowledgeExecutionRole(this.taskDefinition);

    this.service = new ecs.FargateService(this, 'Service', {
      cluster: this.cluster,
      taskDefinition: this.taskDefinition,
      desiredCount: settings.minTasks,
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      circuitBreaker: { rollback: true },
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      assignPublicIp: false,
      healthCheckGracePeriod: Duration.seconds(60),
    });
    const scaling = this.service.autoScaleTaskCount({ minCapacity: settings.minTasks, maxCapacity: settings.maxTasks });
    scaling.scaleOnCpuUtilization('Cpu', {
      targetUtilizationPercent: settings.cpuTargetPercent,
      scaleOutCooldown: Duration.seconds(60),
      scaleInCooldown: Duration.seconds(300),
    });
  }
}

/** The task role's policy: the statements of `node-jobs iam-policy`, as they are (no merging). */
function policyDocument(policy: IamPolicyDocument): iam.PolicyDocument {
  return new iam.PolicyDocument({
    statements: policy.Statement.map((statement) => iam.PolicyStatement.fromJson(statement)),
    minimize: false,
  });
}

/**
 * Acknowledges AwsSolutions-IAM5 for the resources of the server's policy that hold a wildcard: the
 * object keys under the images prefix (one object per user, named at run time). Read from the
 * policy itself, so a new wildcard in it needs no edit here but is still listed by cdk-nag's report.
 */
function acknowledgeWildcardResources(role: iam.Role, policy: IamPolicyDocument): void {
  const resolved = role.stack.resolve(policyDocument(policy).toJSON()) as { Statement: { Resource: unknown }[] };
  for (const statement of resolved.Statement) {
    for (const resource of [statement.Resource].flat()) {
      const flat = flattenReference(resource);
      if (!flat.includes('*')) continue;
      // Justified: S3 object keys of profile images exist per user and are named at run time; the
      // statement is limited to the images prefix of the one bucket.
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${flat}]`,
        reason:
          'Object keys of profile images are created per user at run time; the statement is limited to their prefix in the one bucket.',
      });
    }
  }
}

/** A resolved CloudFormation value as cdk-nag prints it in finding ids (`<Bucket1234>`, `<AWS::Partition>`). */
function flattenReference(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value !== 'object' || value === null) return String(value);
  const entry = value as Record<string, unknown>;
  if (typeof entry.Ref === 'string') return `<${entry.Ref}>`;
  if (Array.isArray(entry['Fn::GetAtt'])) return `<${(entry['Fn::GetAtt'] as string[]).join('.')}>`;
  if (Array.isArray(entry['Fn::Join'])) {
    const [separator, parts] = entry['Fn::Join'] as [string, unknown[]];
    return parts.map(flattenReference).join(separator);
  }
  return JSON.stringify(value);
}

/**
 * Acknowledges what cdk-nag finds in the execution role CDK writes (ECR pull, logs, secrets): ECR's
 * authorization token is account-wide by design.
 */
function acknowledgeExecutionRole(taskDefinition: ecs.FargateTaskDefinition): void {
  const role = taskDefinition.obtainExecutionRole();
  // Justified: ecr:GetAuthorizationToken has no resource-level permissions; IAM only accepts "*" for it.
  Validations.of(role).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: 'ecr:GetAuthorizationToken supports no resource-level permission: IAM requires Resource "*" for it.',
  });
}
