import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { healthCheckOf, readDockerfile } from '../lib/dockerfile';
import { iamPolicy, tableNames, tables, type KeyDefinition, type TableDefinition, type TableName } from '../lib/server';
import { repositoryRoot } from '../lib/service';
import { exampleContext, onlyResource, resourcesOf, synthesize } from './synth';

type Synthesized = ReturnType<typeof synthesize>;
let built: Synthesized;
/** The server container's environment variables and secrets, by name. */
let environment: Record<string, unknown>;
let secrets: Record<string, unknown>;

beforeAll(() => {
  built = synthesize();
  const [, task] = onlyResource(built.template, 'AWS::ECS::TaskDefinition');
  const [container] = task.Properties.ContainerDefinitions as Record<string, unknown>[];
  environment = Object.fromEntries(
    (container!.Environment as { Name: string; Value: unknown }[]).map((entry) => [entry.Name, entry.Value]),
  );
  secrets = Object.fromEntries(
    (container!.Secrets as { Name: string; ValueFrom: unknown }[]).map((entry) => [entry.Name, entry.ValueFrom]),
  );
});

/** A CloudFormation attribute list (`[{ Key, Value }]`) as an object. */
const attributes = (list: unknown) =>
  Object.fromEntries((list as { Key: string; Value: unknown }[]).map((entry) => [entry.Key, entry.Value]));

/** DynamoDB's key schema of a key definition. */
const keySchema = (key: KeyDefinition) => [
  { AttributeName: key.hash, KeyType: 'HASH' },
  ...(key.range === undefined ? [] : [{ AttributeName: key.range, KeyType: 'RANGE' }]),
];

/** A policy document with single-element arrays written as their element, as CloudFormation templates show them. */
const normalized = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.length === 1 ? normalized(value[0]) : value.map(normalized);
  if (typeof value !== 'object' || value === null) return value;
  if ('Fn::Join' in value) return value; // an intrinsic: its arrays are not the policy's
  return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, normalized(entry)]));
};

describe('the tables', () => {
  it('are the tables of the server’s definition: names under the prefix, keys, attribute types and indexes', () => {
    const names = tableNames(built.stack.settings.tablePrefix);
    const found = resourcesOf(built.template, 'AWS::DynamoDB::Table');
    expect(Object.keys(found)).toHaveLength(Object.keys(tables).length);
    for (const logical of Object.keys(tables) as TableName[]) {
      const definition: TableDefinition = tables[logical];
      const [, table] = Object.entries(found).find(([, resource]) => resource.Properties.TableName === names[logical])!;
      expect(table, logical).toBeDefined();
      expect(table.Properties.KeySchema).toEqual(keySchema(definition.key));
      const keys: KeyDefinition[] = [definition.key, ...definition.indexes.map((index) => index.key)];
      const usedAttributes = new Set(keys.flatMap((key) => [key.hash, key.range]));
      expect(table.Properties.AttributeDefinitions).toEqual(
        expect.arrayContaining(
          [...usedAttributes]
            .filter((name): name is string => name !== undefined)
            .map((name) => ({
              AttributeName: name,
              AttributeType: definition.attributes[name],
            })),
        ),
      );
      expect((table.Properties.AttributeDefinitions as unknown[]).length).toBe(
        usedAttributes.size - (usedAttributes.has(undefined) ? 1 : 0),
      );
      expect(table.Properties.GlobalSecondaryIndexes ?? []).toEqual(
        definition.indexes.map((index) => ({
          IndexName: index.name,
          KeySchema: keySchema(index.key),
          Projection: { ProjectionType: index.projection },
        })),
      );
    }
  });

  it('bill on demand, keep point-in-time recovery, refuse deletion and outlive the stack', () => {
    for (const table of Object.values(resourcesOf(built.template, 'AWS::DynamoDB::Table'))) {
      expect(table.Properties).toMatchObject({
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
      });
      expect(table.DeletionPolicy).toBe('Retain');
    }
  });

  it('follow the tablePrefix of the context', () => {
    const { template } = synthesize({ tablePrefix: 'staging-' });
    const names = Object.values(resourcesOf(template, 'AWS::DynamoDB::Table')).map(
      (table) => table.Properties.TableName,
    );
    expect(names.sort()).toEqual(Object.values(tableNames('staging-')).sort());
  });
});

describe('the images bucket', () => {
  const imagesBucket = () => {
    const [id, bucket] = Object.entries(resourcesOf(built.template, 'AWS::S3::Bucket')).find(
      ([, resource]) => resource.Properties.CorsConfiguration !== undefined,
    )!;
    return { id, bucket };
  };

  it('blocks all public access, encrypts, and takes CORS from the context: PUT from the front ends’ origins', () => {
    const { bucket } = imagesBucket();
    expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket.Properties.CorsConfiguration).toEqual({
      CorsRules: [
        {
          AllowedOrigins: String(exampleContext.corsOrigin).split(','),
          AllowedMethods: ['PUT'],
          AllowedHeaders: ['Content-Type', 'Content-Length'],
          MaxAge: 3000,
        },
      ],
    });
    const several = imagesBucketOf(synthesize({ corsOrigin: 'https://a.example.com, https://b.example.com' }));
    expect(
      (several.Properties.CorsConfiguration as { CorsRules: { AllowedOrigins: string[] }[] }).CorsRules[0]!
        .AllowedOrigins,
    ).toEqual(['https://a.example.com', 'https://b.example.com']);
  });

  it('removes incomplete multipart uploads after a day', () => {
    expect(imagesBucket().bucket.Properties.LifecycleConfiguration).toEqual({
      Rules: [{ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 }, Status: 'Enabled' }],
    });
  });

  it('refuses every request that is not TLS (enforceSSL)', () => {
    const { id } = imagesBucket();
    built.template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: id },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });
});

function imagesBucketOf(synthesized: Synthesized) {
  return Object.values(resourcesOf(synthesized.template, 'AWS::S3::Bucket')).find(
    (resource) => resource.Properties.CorsConfiguration !== undefined,
  )!;
}

describe('Redis', () => {
  it('is an ElastiCache replication group with TLS, encryption at rest and an AUTH token from Secrets Manager', () => {
    const [, group] = onlyResource(built.template, 'AWS::ElastiCache::ReplicationGroup');
    expect(group.Properties).toMatchObject({
      Engine: 'redis',
      TransitEncryptionEnabled: true,
      AtRestEncryptionEnabled: true,
      MultiAZEnabled: true,
      AutomaticFailoverEnabled: true,
      NumCacheClusters: 2,
    });
    const [secretId] = Object.keys(resourcesOf(built.template, 'AWS::SecretsManager::Secret')).filter((id) =>
      id.startsWith('RedisAuthToken'),
    );
    expect(group.Properties.AuthToken).toEqual({
      'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: secretId }, ':SecretString:::}}']],
    });
  });

  it('uses a parameter group with maxmemory-policy noeviction', () => {
    const [parametersId, parameters] = onlyResource(built.template, 'AWS::ElastiCache::ParameterGroup');
    expect(parameters.Properties.Properties).toEqual({ 'maxmemory-policy': 'noeviction' });
    const [, group] = onlyResource(built.template, 'AWS::ElastiCache::ReplicationGroup');
    expect(group.Properties.CacheParameterGroupName).toEqual({ Ref: parametersId });
  });

  it('is reached by the service tasks only, on its port', () => {
    const [, group] = onlyResource(built.template, 'AWS::ElastiCache::ReplicationGroup');
    const [redisGroup] = group.Properties.SecurityGroupIds as { 'Fn::GetAtt': [string, string] }[];
    const ingress = Object.values(resourcesOf(built.template, 'AWS::EC2::SecurityGroupIngress')).filter(
      (rule) =>
        (rule.Properties.GroupId as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0] === redisGroup!['Fn::GetAtt'][0],
    );
    const [service] = Object.values(resourcesOf(built.template, 'AWS::ECS::Service'));
    const serviceGroups = (
      service!.Properties.NetworkConfiguration as { AwsvpcConfiguration: { SecurityGroups: unknown[] } }
    ).AwsvpcConfiguration.SecurityGroups;
    expect(ingress.map((rule) => rule.Properties)).toEqual([
      expect.objectContaining({
        FromPort: group.Properties.Port,
        ToPort: group.Properties.Port,
        SourceSecurityGroupId: serviceGroups[0],
      }),
    ]);
    const [, redisSecurityGroup] = Object.entries(resourcesOf(built.template, 'AWS::EC2::SecurityGroup')).find(
      ([id]) => id === redisGroup!['Fn::GetAtt'][0],
    )!;
    expect(JSON.stringify(redisSecurityGroup.Properties.SecurityGroupIngress ?? [])).not.toContain('0.0.0.0/0');
  });
});

describe('the service', () => {
  it('runs the repository’s Dockerfile on Fargate: the image is an asset of the repository root, for linux/amd64', () => {
    const assembly = built.app.synth();
    const manifest = JSON.parse(
      readFileSync(join(assembly.directory, `${built.stack.artifactId}.assets.json`), 'utf8'),
    ) as {
      dockerImages: Record<string, { source: { directory: string; platform?: string } }>;
    };
    const images = Object.entries(manifest.dockerImages);
    expect(images).toHaveLength(1);
    const [hash, image] = images[0]!;
    expect(image.source).toMatchObject({ directory: repositoryRoot.replace(/\/$/, ''), platform: 'linux/amd64' });
    const [, task] = onlyResource(built.template, 'AWS::ECS::TaskDefinition');
    expect(task.Properties.RequiresCompatibilities).toEqual(['FARGATE']);
    expect(JSON.stringify(task.Properties.ContainerDefinitions)).toContain(hash);
  });

  it('stages a build context without node_modules, builds, local data, secrets, tests or the deploy kit (.dockerignore)', () => {
    const { app, stack } = synthesize({}, { stageAssets: true });
    const assembly = app.synth();
    const manifest = JSON.parse(readFileSync(join(assembly.directory, `${stack.artifactId}.assets.json`), 'utf8')) as {
      dockerImages: Record<string, { source: { directory: string } }>;
    };
    const [image] = Object.values(manifest.dockerImages);
    const context = join(assembly.directory, image!.source.directory);
    for (const needed of [
      'Dockerfile',
      'package.json',
      'package-lock.json',
      'packages/client/package.json',
      'scripts',
      'console',
      'client',
      'data',
    ])
      expect(existsSync(join(context, needed)), needed).toBe(true);
    for (const left of [
      'node_modules',
      'dist',
      'deploy',
      'tests',
      '.git',
      'storage',
      'userdata',
      'config/secrets.json',
    ])
      expect(existsSync(join(context, left)), left).toBe(false);
  });

  it('keeps at least 2 tasks and scales on CPU', () => {
    const [, service] = onlyResource(built.template, 'AWS::ECS::Service');
    expect(service.Properties.LaunchType).toBe('FARGATE');
    expect(service.Properties.DesiredCount).toBeGreaterThanOrEqual(2);
    const [, target] = onlyResource(built.template, 'AWS::ApplicationAutoScaling::ScalableTarget');
    expect(target.Properties).toMatchObject({ ScalableDimension: 'ecs:service:DesiredCount' });
    expect(target.Properties.MinCapacity).toBeGreaterThanOrEqual(2);
    expect(target.Properties.MaxCapacity).toBeGreaterThan(target.Properties.MinCapacity as number);
    built.template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({
        PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' },
      }),
    });
  });

  it('refuses a context of fewer than 2 tasks', () => {
    expect(() => synthesize({ minTasks: 1 })).toThrow(/minTasks must be at least 2/);
  });

  it('gives the server its environment from the context: production, the Redis adapter over rediss://, origins, app URL and mail', () => {
    expect(environment).toMatchObject({
      NODE_ENV: 'production',
      socket_adapter: 'redis',
      cors_origin: exampleContext.corsOrigin,
      app_url: exampleContext.appUrl,
      mail_from: exampleContext.mailFrom,
      dynamodb_table_prefix: expect.any(String),
      log_file: '-',
      trust_proxy: '1',
    });
    const [groupId] = onlyResource(built.template, 'AWS::ElastiCache::ReplicationGroup');
    expect(environment.redis_url).toEqual({
      'Fn::Join': [
        '',
        [
          'rediss://',
          { 'Fn::GetAtt': [groupId, 'PrimaryEndPoint.Address'] },
          ':',
          { 'Fn::GetAtt': [groupId, 'PrimaryEndPoint.Port'] },
        ],
      ],
    });
    const [bucketId] = Object.entries(resourcesOf(built.template, 'AWS::S3::Bucket')).find(
      ([, resource]) => resource.Properties.CorsConfiguration !== undefined,
    )!;
    expect(environment.s3_bucket).toEqual({ Ref: bucketId });
  });

  it('injects app_key, the Redis password and the SMTP URL from Secrets Manager, never as plain values', () => {
    const secretIds = Object.keys(resourcesOf(built.template, 'AWS::SecretsManager::Secret'));
    expect(secrets.app_key).toEqual({ Ref: secretIds.find((id) => id.startsWith('AppKey')) });
    expect(secrets.redis_password).toEqual({ Ref: secretIds.find((id) => id.startsWith('RedisAuthToken')) });
    expect(String(secrets.smtp_url)).toMatch(
      new RegExp(`^arn:aws:secretsmanager:[^:]+:\\d+:secret:${String(exampleContext.smtpUrlSecret)}`),
    );
    for (const key of ['app_key', 'redis_password', 'smtp_url']) expect(environment).not.toHaveProperty(key);
    expect(JSON.stringify(environment)).not.toMatch(/rediss:\/\/[^"]*@/);
  });

  it('leaves smtp_url and mail_from out when the context names no SMTP secret', () => {
    const { template } = synthesize({ smtpUrlSecret: undefined, mailFrom: undefined });
    const [, task] = onlyResource(template, 'AWS::ECS::TaskDefinition');
    const text = JSON.stringify(task.Properties.ContainerDefinitions);
    expect(text).not.toContain('smtp_url');
    expect(text).not.toContain('mail_from');
  });

  it('logs to CloudWatch with the awslogs driver and a retention', () => {
    const [, task] = onlyResource(built.template, 'AWS::ECS::TaskDefinition');
    const [container] = task.Properties.ContainerDefinitions as {
      LogConfiguration: { LogDriver: string; Options: Record<string, unknown> };
    }[];
    expect(container!.LogConfiguration.LogDriver).toBe('awslogs');
    const group = container!.LogConfiguration.Options['awslogs-group'] as { Ref: string };
    const logGroup = resourcesOf(built.template, 'AWS::Logs::LogGroup')[group.Ref]!;
    expect(logGroup.Properties.RetentionInDays).toBe(30);
    const longer = synthesize({ logRetentionDays: 90 });
    expect(
      Object.values(resourcesOf(longer.template, 'AWS::Logs::LogGroup')).map(
        (entry) => entry.Properties.RetentionInDays,
      ),
    ).toContain(90);
  });

  it('checks the container’s health with the Dockerfile’s own HEALTHCHECK command', () => {
    const [, task] = onlyResource(built.template, 'AWS::ECS::TaskDefinition');
    const [container] = task.Properties.ContainerDefinitions as { HealthCheck: { Command: string[] } }[];
    const dockerfile = readFileSync(join(repositoryRoot, 'Dockerfile'), 'utf8');
    expect(dockerfile).toContain('HEALTHCHECK');
    expect(container!.HealthCheck.Command).toEqual([
      'CMD',
      ...healthCheckOf(readDockerfile(join(repositoryRoot, 'Dockerfile')).at(-1)!).command,
    ]);
    expect(container!.HealthCheck.Command.join(' ')).toContain('/healthz');
  });
});

describe('the task role', () => {
  it('holds exactly the statements of the server’s IAM policy (node-jobs iam-policy), and nothing else', () => {
    const [, task] = onlyResource(built.template, 'AWS::ECS::TaskDefinition');
    const roleId = (task.Properties.TaskRoleArn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const role = resourcesOf(built.template, 'AWS::IAM::Role')[roleId]!;
    const expected = built.stack.resolve(
      iamPolicy({
        role: 'server',
        region: built.stack.settings.region,
        account: built.stack.settings.account,
        tablePrefix: built.stack.settings.tablePrefix,
        bucket: built.stack.buckets.profileImages.bucketName,
        tables,
      }),
    ) as { Statement: unknown[] };
    const policies = role.Properties.Policies as { PolicyDocument: { Statement: unknown[] } }[];
    expect(policies).toHaveLength(1);
    expect(policies[0]!.PolicyDocument.Statement).toEqual(normalized(expected.Statement));
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    const attached = Object.values(resourcesOf(built.template, 'AWS::IAM::Policy')).filter((policy) =>
      JSON.stringify(policy.Properties.Roles).includes(roleId),
    );
    expect(attached).toEqual([]);
    expect(JSON.stringify(policies)).not.toMatch(/"(dynamodb|s3):\*"|"\*"/);
  });
});

describe('the load balancer', () => {
  it('listens on HTTPS with the certificate of the context, and redirects HTTP to it', () => {
    built.template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 443,
      Protocol: 'HTTPS',
      Certificates: [{ CertificateArn: exampleContext.certificateArn }],
    });
    built.template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 80,
      Protocol: 'HTTP',
      DefaultActions: [
        Match.objectLike({ Type: 'redirect', RedirectConfig: Match.objectLike({ Protocol: 'HTTPS', Port: '443' }) }),
      ],
    });
  });

  it('closes idle connections before the server does: idle timeout below keep_alive_timeout_s', () => {
    const [, balancer] = onlyResource(built.template, 'AWS::ElasticLoadBalancingV2::LoadBalancer');
    const idle = Number(attributes(balancer.Properties.LoadBalancerAttributes)['idle_timeout.timeout_seconds']);
    expect(idle).toBe(60);
    expect(idle).toBeLessThan(Number(environment.keep_alive_timeout_s));
  });

  it('checks /readyz, drains a stopping task for longer than shutdown_delay_s, and is sticky by its own cookie', () => {
    const [, group] = onlyResource(built.template, 'AWS::ElasticLoadBalancingV2::TargetGroup');
    expect(group.Properties).toMatchObject({
      HealthCheckPath: '/readyz',
      Matcher: { HttpCode: '200' },
      TargetType: 'ip',
    });
    const groupAttributes = attributes(group.Properties.TargetGroupAttributes);
    expect(Number(groupAttributes['deregistration_delay.timeout_seconds'])).toBeGreaterThan(
      Number(environment.shutdown_delay_s),
    );
    expect(groupAttributes).toMatchObject({ 'stickiness.enabled': 'true', 'stickiness.type': 'lb_cookie' });
  });

  it('writes access logs to the logs bucket', () => {
    const [, balancer] = onlyResource(built.template, 'AWS::ElasticLoadBalancingV2::LoadBalancer');
    expect(attributes(balancer.Properties.LoadBalancerAttributes)).toMatchObject({ 'access_logs.s3.enabled': 'true' });
  });
});
