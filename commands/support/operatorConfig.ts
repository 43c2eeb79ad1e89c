import { configValuesOf } from '../../config/options';
import type { Config } from '../../config/schema';
import { loadConfig } from '../../index';

/** Stands in for app_key when none is configured; never used to sign or verify anything. */
const unusedAppKey = 'unused-by-the-account-commands-'.padEnd(40, '-');

/**
 * The configuration of a command that signs no token (the account commands, `provision`,
 * `iam-policy`): read like the server's, but app_key is not demanded (none is configured after
 * `npm run dev`).
 * @throws ConfigError naming a bad key
 */
export function loadOperatorConfig(options: Record<string, unknown>): Config {
  return loadConfig({ argValues: configValuesOf(options), fallbacks: { app_key: unusedAppKey } });
}
