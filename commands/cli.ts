#!/usr/bin/env node
import { Command } from 'commander';
import { packageVersion } from '../libraries/packageFile';
import { registerDev } from './dev';
import { registerServe } from './serve';
import { registerUserMakeAdmin } from './user-make-admin';
import { registerUserRevokeAdmin } from './user-revoke-admin';

/** Builds the `node-jobs` command line. */
export function buildProgram(): Command {
  const program = new Command('node-jobs')
    .description('Job-search API with users, sessions, real-time random jobs and profile images.')
    .version(packageVersion(), '-v, --version', 'print the version')
    .showHelpAfterError()
    .configureHelp({ sortSubcommands: false });
  registerServe(program);
  registerDev(program);
  registerUserMakeAdmin(program);
  registerUserRevokeAdmin(program);
  return program;
}

await buildProgram().parseAsync(process.argv);
