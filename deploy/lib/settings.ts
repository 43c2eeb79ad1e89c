/**
 * The deployment's settings, read once from CDK context (`-c key=value`, the `context` of
 * `cdk.json`, or a file given to `bin/app.ts --context`) and checked before anything is built: a
 * missing or bad value stops the synthesis with every problem named at once.
 */
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Node } from 'constructs';

export interface DeploySettings {
  /** The AWS account (the task role's policy names its tables by ARN). */
  readonly account: string;
  /** The AWS region (the load balancer's access logs need it at synthesis). */
  readonly region: string;
  /** The ACM certificate of the HTTPS listener. */
  readonly certificateArn: string;
  /** The browser origins allowed to call the API and upload images (`cors_origin`), never `*`. */
  readonly corsOrigins: readonly string[];
  /** The front end's address, for the links of mails (`app_url`). */
  readonly appUrl: string;
  /** The sender of mails (`mail_from`). */
  readonly mailFrom: string | undefined;
  /** Name or ARN of a Secrets Manager secret holding the `smtp://`/`smtps://` URL (`smtp_url`). */
  readonly smtpUrlSecret: string | undefined;
  /** `dynamodb_table_prefix`. */
  readonly tablePrefix: string;
  /** The images bucket's name; left out, CloudFormation names it. */
  readonly bucketName: string | undefined;
  /** `s3_public_url` (a CloudFront domain in front of the bucket), if any. */
  readonly s3PublicUrl: string | undefined;
  /** Tasks running at least (and at rest). */
  readonly minTasks: number;
  /** Tasks the CPU auto-scaling may add up to. */
  readonly maxTasks: number;
  /** Fargate CPU units of a task (1024 = one vCPU). */
  readonly taskCpu: number;
  /** Memory of a task in MiB. */
  readonly taskMemoryMiB: number;
  /** The average CPU use auto-scaling aims at, in percent. */
  readonly cpuTargetPercent: number;
  /** The ElastiCache node type of the primary and of its replica. */
  readonly redisNodeType: string;
  /** NAT gateways (1 is cheapest; one per zone survives a zone's outage). */
  readonly natGateways: number;
  /** How long container and VPC flow logs are kept. */
  readonly logRetention: RetentionDays;
  /** `max_connections_per_ip`: every connection comes from a load balancer node's address. */
  readonly maxConnectionsPerIp: number;
}

/** The server's timings the load balancer and ECS are set against; the deploy kit passes them to the server too. */
export const serverTimings = {
  /** `keep_alive_timeout_s`: above the load balancer's idle timeout, so the balancer closes idle connections first. */
  keepAliveTimeoutS: 65,
  /** `shutdown_delay_s`: how long `/readyz` answers 503 after SIGTERM before the server stops accepting connections. */
  shutdownDelayS: 5,
  /** `shutdown_timeout_s`: the server has exited this long after SIGTERM. */
  shutdownTimeoutS: 30,
} as const;

/** The port the server listens on in its container. */
export const containerPort = 3000;

const fargateCpu = [256, 512, 1024, 2048, 4096, 8192, 16384];
const retentionDays = Object.values(RetentionDays).filter((value): value is number => typeof value === 'number');

/** Reads and checks the settings from the context of `node` (the app or any construct). */
export function readSettings(node: Node): DeploySettings {
  const problems: string[] = [];
  const raw = (key: string): string | undefined => {
    const value: unknown = node.tryGetContext(key);
    if (value === undefined || value === null || value === '') return undefined;
    return typeof value === 'string' ? value.trim() : JSON.stringify(value);
  };
  const required = (key: string, meaning: string): string => {
    const value = raw(key);
    if (value === undefined) problems.push(`${key} is required: ${meaning}`);
    return value ?? '';
  };
  const matching = (key: string, value: string | undefined, pattern: RegExp, form: string): string | undefined => {
    if (value !== undefined && !pattern.test(value)) problems.push(`${key} must be ${form}, not "${value}"`);
    return value;
  };
  const whole = (key: string, fallback: number, check: (value: number) => boolean, form: string): number => {
    const text = raw(key);
    if (text === undefined) return fallback;
    const value = Number(text);
    if (!Number.isInteger(value) || !check(value)) problems.push(`${key} must be ${form}, not "${text}"`);
    return value;
  };
  const httpsUrl = /^https:\/\/[^\s/?#]+(\/[^\s?#]*)?$/;

  const region = matching(
    'region',
    raw('region') ?? process.env.CDK_DEFAULT_REGION ?? required('region', 'the AWS region, e.g. eu-central-1'),
    /^[a-z]{2}(-[a-z]+)+-\d$/,
    'an AWS region such as eu-central-1',
  );
  const account = matching(
    'account',
    raw('account') ??
      process.env.CDK_DEFAULT_ACCOUNT ??
      required('account', "the AWS account id (the CDK CLI sets it from the profile's credentials)"),
    /^(|\d{12})$/,
    'a 12-digit account id',
  );
  const certificateArn = matching(
    'certificateArn',
    required('certificateArn', 'the ACM certificate of the HTTPS listener (arn:aws:acm:…)'),
    /^(|arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[\w-]+)$/,
    'an ACM certificate ARN',
  );
  const corsOrigins = required('corsOrigin', 'the origins of the front ends, comma-separated (cors_origin)')
    .split(',')
    .map((origin) => origin.trim())
    .filter((origin) => origin !== '');
  for (const origin of corsOrigins)
    matching('corsOrigin', origin, /^https?:\/\/[^\s/?#*]+$/, 'origins such as https://app.example.com');
  const appUrl = matching(
    'appUrl',
    required('appUrl', "the front end's address (app_url)"),
    httpsUrl,
    'an https:// URL',
  );
  const minTasks = whole('minTasks', 2, (value) => value >= 2, 'at least 2 (one task is no rolling restart)');
  const taskCpu = whole('taskCpu', 512, (value) => fargateCpu.includes(value), `one of ${fargateCpu.join(', ')}`);
  const settings: DeploySettings = {
    account: account ?? '',
    region: region ?? '',
    certificateArn: certificateArn ?? '',
    corsOrigins,
    appUrl: appUrl ?? '',
    mailFrom: raw('mailFrom'),
    smtpUrlSecret: raw('smtpUrlSecret'),
    tablePrefix: matching(
      'tablePrefix',
      raw('tablePrefix') ?? 'nodeJobs-',
      /^[\w.-]{0,200}$/,
      'letters, digits, _ . or -',
    )!,
    bucketName: matching(
      'bucketName',
      raw('bucketName'),
      /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
      'a valid S3 bucket name',
    ),
    s3PublicUrl: matching('s3PublicUrl', raw('s3PublicUrl'), httpsUrl, 'an https:// URL'),
    minTasks,
    maxTasks: whole('maxTasks', 6, (value) => value >= minTasks, `at least minTasks (${minTasks})`),
    taskCpu,
    taskMemoryMiB: whole(
      'taskMemoryMiB',
      1024,
      (value) => value >= taskCpu && value % 512 === 0,
      'a multiple of 512 MiB',
    ),
    cpuTargetPercent: whole('cpuTargetPercent', 60, (value) => value >= 10 && value <= 90, 'from 10 to 90'),
    redisNodeType: matching(
      'redisNodeType',
      raw('redisNodeType') ?? 'cache.t4g.micro',
      /^cache\.[a-z0-9]+\.[a-z0-9]+$/,
      'an ElastiCache node type such as cache.t4g.micro',
    )!,
    natGateways: whole('natGateways', 1, (value) => value >= 1 && value <= 2, '1 or 2'),
    logRetention: whole(
      'logRetentionDays',
      30,
      (value) => retentionDays.includes(value),
      `one of ${retentionDays.join(', ')}`,
    ),
    maxConnectionsPerIp: whole('maxConnectionsPerIp', 100_000, (value) => value >= 1, 'a positive whole number'),
  };
  if (settings.smtpUrlSecret !== undefined && settings.mailFrom === undefined)
    problems.push('mailFrom is required with smtpUrlSecret: the sender of the mails (mail_from)');
  if (problems.length > 0) throw new Error(`The deploy kit's context is not complete:\n- ${problems.join('\n- ')}`);
  return settings;
}
