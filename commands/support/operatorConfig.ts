import { configValuesOf } from '../../config/options';
import type { Config } from '../../config/schema';
import { loadConfig } from '../../index';
import { readDevServices } from './devServices';

/** Stands in for app_key when none is configured; never used to sign or verify anything. */
const unusedAppKey = 'unused-by-the-account-commands-'.padEnd(40, '-');

/**
 * The configuration of a command that signs no token (the account commands, `provision`,
 * `iam-policy`): read like the server's, beside a running `dev` with its services (see
 * devServices.ts) unless flags or the environment say otherwise, and without demanding app_key
 * (none is configured after `npm run dev`).
 * @throws ConfigError naming a bad key
 */
export async function loadOperatorConfig(options: Record<string, unknown>): Promise<Config> {
  return loadConfig({
    argValues: configValuesOf(options),
    devServices: await readDevServices(),
    fallbacks: { app_key: unusedAppKey },
  });
}
