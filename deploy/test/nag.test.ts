import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../lib/app';
import { exampleContext, synthesize } from './synth';

type Violation = ReturnType<AwsSolutionsChecks['validateScope']>['violations'][number];

interface Acknowledgment {
  /** The rule (and finding) acknowledged, e.g. `AwsSolutions-IAM5[Resource::*]`. */
  id: string;
  reason: string;
  /** The construct it was recorded on: it covers the resources at and under it. */
  path: string;
}

/** Every acknowledgment recorded with `Validations.of(…).acknowledge` in a construct tree. */
function acknowledgments(root: IConstruct): Acknowledgment[] {
  return root.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
          id: id.replace(/^annotation::/i, ''),
          reason,
          path: construct.node.path,
        })),
      ),
  );
}

/** What the rules find when nothing is acknowledged (cdk-nag's acknowledgment check switched off). */
function allFindings(root: IConstruct): Violation[] {
  const checks = new AwsSolutionsChecks(undefined, { verbose: true });
  Object.defineProperty(checks, 'isAcknowledged', { value: () => false });
  return checks.validateScope(root).violations;
}

const summary = (violations: readonly Violation[]) =>
  violations.map(
    (violation) =>
      `${violation.severity} ${violation.ruleName}: ${violation.violatingResources.map((resource) => resource.constructPath).join(', ')}`,
  );

let built: ReturnType<typeof synthesize>;
beforeAll(() => {
  built = synthesize();
});

describe("cdk-nag's AwsSolutions rules", () => {
  it('leave no finding unacknowledged, error or warning', () => {
    const { violations } = built.checks.validateScope(built.app);
    expect(summary(violations)).toEqual([]);
  });

  it('acknowledge only what they find, each with a reason', () => {
    const findings = allFindings(built.app);
    // Only cdk-nag's: aws-cdk-lib acknowledges rules of its own CloudFormation validation too.
    const recorded = acknowledgments(built.app).filter((acknowledgment) =>
      acknowledgment.id.startsWith('AwsSolutions-'),
    );
    const unanswered = recorded.filter(
      (acknowledgment) =>
        !findings.some(
          (finding) =>
            finding.ruleName === acknowledgment.id &&
            finding.violatingResources.some(
              (resource) =>
                resource.constructPath === acknowledgment.path ||
                (resource.constructPath ?? '').startsWith(`${acknowledgment.path}/`),
            ),
        ),
    );
    expect(unanswered, 'acknowledgments of findings that do not exist').toEqual([]);
    for (const acknowledgment of recorded) expect(acknowledgment.reason.length, acknowledgment.id).toBeGreaterThan(40);
    const errors = findings.filter((finding) => finding.severity === 'error');
    const warnings = findings.filter((finding) => finding.severity === 'warning');
    console.log(
      [
        `cdk-nag AwsSolutions: ${errors.length} error rules and ${warnings.length} warning rules found, ${recorded.length} acknowledgments, 0 left:`,
        ...summary(findings).map((line) => `  ${line}`),
      ].join('\n'),
    );
  });

  it('stop the synthesis on a finding nobody acknowledged', () => {
    const { app, stack } = createApp(
      { ...exampleContext, 'aws:cdk:disable-asset-staging': true },
      { outdir: mkdtempSync(join(tmpdir(), 'node-jobs-cdk-')) },
    );
    new s3.Bucket(stack, 'Careless');
    expect(() => app.synth()).toThrow(/[Vv]alidation/);
  });
});
