import nconf from 'nconf';
import { parseConfigArgv } from './options';
import { ConfigError, configKeys, parseConfig, type Config } from './schema';

export interface LoadConfigOptions {
  /** Command-line arguments (`--key value`, `--key=value`, `-p 3001`); `process.argv.slice(2)` by default. */
  argv?: readonly string[];
  /** Values a command line already parsed (the CLI's options); used instead of `argv`. */
  argValues?: Record<string, unknown>;
  /** Environment; `process.env` by default. Keys are read in upper or lower case. */
  env?: NodeJS.ProcessEnv;
  /**
   * Settings of the services of a running `node-jobs dev` (its endpoints, ports and prefixes), for
   * commands run beside it: below the command line and the environment, above `config/secrets.json`.
   */
  devServices?: Record<string, unknown> | undefined;
  /** The secrets file; `config/secrets.json` in the working directory by default. */
  secretsFile?: string;
  /** Values used when no other source sets a key (below the built-in defaults' validation). */
  fallbacks?: Record<string, unknown>;
}

/** Environment values of known keys, `APP_KEY` or `app_key` alike. */
function envValues(env: NodeJS.ProcessEnv): Record<string, string> {
  const values: Record<string, string> = {};
  for (const key of configKeys) {
    const value = env[key] ?? env[key.toUpperCase()];
    if (value !== undefined) values[key] = value;
  }
  return values;
}

/** The keys a secrets file sets; one that is not a configuration key (a typo) stops start-up. */
function secretsKeys(provider: nconf.Provider): void {
  const stored: unknown = (provider.stores as Record<string, { store?: unknown } | undefined>).secrets?.store;
  if (typeof stored !== 'object' || stored === null) return;
  const unknown = Object.keys(stored).find((key) => !(configKeys as readonly string[]).includes(key));
  if (unknown !== undefined)
    throw new ConfigError(unknown, 'is not a configuration key (see README.md, section "Configuration").');
}

/**
 * Loads the configuration with nconf — command-line arguments, then the environment, then (for the
 * CLI beside `dev`) the settings of dev's services, then `config/secrets.json`, then the defaults —
 * and validates it.
 * @throws ConfigError naming the first missing, bad or unknown key
 */
export function loadConfig(options: LoadConfigOptions = {}): Config {
  const env = options.env ?? process.env;
  const provider = new nconf.Provider();
  provider.add('argv', {
    type: 'literal',
    store: options.argValues ?? parseConfigArgv(options.argv ?? process.argv.slice(2)),
  });
  provider.add('env', { type: 'literal', store: envValues(env) });
  // What a running dev actually uses beats secrets.json, which dev also read but its own flags may have overridden.
  if (options.devServices) provider.add('devServices', { type: 'literal', store: options.devServices });
  const secretsFile = options.secretsFile ?? 'config/secrets.json';
  try {
    provider.file('secrets', { file: secretsFile });
  } catch (error) {
    throw new ConfigError(secretsFile, `cannot be read: ${error instanceof Error ? error.message : String(error)}`);
  }
  secretsKeys(provider);
  if (options.fallbacks) provider.defaults(options.fallbacks);
  const raw: Record<string, unknown> = {};
  for (const key of configKeys) raw[key] = provider.get(key);
  return parseConfig(raw, env.NODE_ENV || 'development');
}
