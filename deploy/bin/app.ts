/**
 * The CDK app's entry: `npx aws-cdk deploy` runs it (cdk.json), and `npm run deploy:synth` runs it
 * offline with the example context: `tsx bin/app.ts --context context.example.json`.
 */
import { resolve } from 'node:path';
import { contextFile, createApp } from '../lib/app';

const file = process.argv[process.argv.indexOf('--context') + 1];
const context = process.argv.includes('--context') && file !== undefined ? contextFile(resolve(file)) : {};
// Under the CDK CLI the output folder comes from it (CDK_OUTDIR); run alone, it is cdk.out here.
const { app } = createApp(context, process.env.CDK_OUTDIR === undefined ? { outdir: 'cdk.out' } : {});
const assembly = app.synth();
if (process.env.CDK_OUTDIR === undefined) {
  for (const stack of assembly.stacks) console.log(`${stack.stackName}: ${stack.templateFullPath}`);
}
