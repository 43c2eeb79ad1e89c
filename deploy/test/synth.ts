import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { contextFile, createApp, deployRoot } from '../lib/app';

/** The example context of `npm run deploy:synth` (context.example.json). */
export const exampleContext = contextFile(join(deployRoot, 'context.example.json'));

/**
 * Builds the app as `npm run deploy:synth` does, with the example context and `overrides` on top,
 * into a temporary folder; `stageAssets: false` skips copying the Docker build context (the
 * template is the same: the asset is hashed either way).
 */
export function synthesize(overrides: Record<string, unknown> = {}, { stageAssets = false } = {}) {
  const built = createApp(
    { ...exampleContext, ...(stageAssets ? {} : { 'aws:cdk:disable-asset-staging': true }), ...overrides },
    { outdir: mkdtempSync(join(tmpdir(), 'node-jobs-cdk-')) },
  );
  return { ...built, template: Template.fromStack(built.stack) };
}

/** The resources of a template of one type, by logical id. */
export function resourcesOf(
  template: Template,
  type: string,
): Record<string, { Properties: Record<string, unknown> } & Record<string, unknown>> {
  return template.findResources(type) as Record<
    string,
    { Properties: Record<string, unknown> } & Record<string, unknown>
  >;
}

/** The only resource of a type: its logical id and definition. */
export function onlyResource(
  template: Template,
  type: string,
): [string, { Properties: Record<string, unknown> } & Record<string, unknown>] {
  const found = Object.entries(resourcesOf(template, type));
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0]!;
}
