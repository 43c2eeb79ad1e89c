import { App } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { readSettings } from '../lib/settings';
import { exampleContext } from './synth';

const settingsOf = (context: Record<string, unknown>) => readSettings(new App({ context }).node);

beforeEach(() => {
  // The CDK CLI sets these from the caller's AWS profile; the tests decide for themselves.
  vi.stubEnv('CDK_DEFAULT_REGION', undefined);
  vi.stubEnv('CDK_DEFAULT_ACCOUNT', undefined);
});
afterEach(() => {
  vi.unstubAllEnvs();
});

describe('the deploy settings', () => {
  it('read the example context, with defaults for everything it leaves out', () => {
    expect(settingsOf(exampleContext)).toMatchObject({
      account: '123456789012',
      region: 'eu-central-1',
      corsOrigins: ['https://app.example.com'],
      tablePrefix: 'nodeJobs-',
      minTasks: 2,
      maxTasks: 6,
      taskCpu: 512,
      taskMemoryMiB: 1024,
      redisNodeType: 'cache.t4g.micro',
      natGateways: 1,
      logRetention: RetentionDays.ONE_MONTH,
      bucketName: undefined,
    });
  });

  it('read numbers given as text, as `cdk -c minTasks=3` passes them', () => {
    expect(settingsOf({ ...exampleContext, minTasks: '3', maxTasks: '10' })).toMatchObject({
      minTasks: 3,
      maxTasks: 10,
    });
  });

  it('name every missing value at once', () => {
    expect(() => settingsOf({})).toThrow(
      /region is required[\s\S]*account is required[\s\S]*certificateArn is required[\s\S]*corsOrigin is required[\s\S]*appUrl is required/,
    );
  });

  it('take the region and account of the CDK CLI when the context has none', () => {
    vi.stubEnv('CDK_DEFAULT_REGION', 'us-east-2');
    vi.stubEnv('CDK_DEFAULT_ACCOUNT', '210987654321');
    const { region: _region, account: _account, ...rest } = exampleContext;
    expect(settingsOf(rest)).toMatchObject({ region: 'us-east-2', account: '210987654321' });
  });

  it.each([
    [{ corsOrigin: '*' }, /corsOrigin must be origins/],
    [{ appUrl: 'http://app.example.com' }, /appUrl must be an https:\/\/ URL/],
    [{ certificateArn: 'my-certificate' }, /certificateArn must be an ACM certificate ARN/],
    [{ minTasks: 3, maxTasks: 2 }, /maxTasks must be at least minTasks \(3\)/],
    [{ taskCpu: 300 }, /taskCpu must be one of/],
    [{ logRetentionDays: 42 }, /logRetentionDays must be one of/],
    [{ region: 'Frankfurt' }, /region must be an AWS region/],
    [{ smtpUrlSecret: 'node-jobs/smtp-url', mailFrom: undefined }, /mailFrom is required with smtpUrlSecret/],
  ])('refuse %o', (override, message) => {
    expect(() => settingsOf({ ...exampleContext, ...override })).toThrow(message);
  });
});
