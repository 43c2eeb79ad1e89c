import { Command, Option } from 'commander';
import { helpDefault } from './docs';
import { ConfigError, configKeys, settings, type ConfigKey } from './schema';

/** What a command does itself when a key is not set, where that differs from the schema's default. */
export type CommandDefaults = Partial<Record<ConfigKey, string>>;

/**
 * The command-line options of every configuration key: `--redis_port <n>` (also `--redis-port`), `-p` for `port`;
 * each help line ends with the key's default (`(default: 3000)`, `(required)`).
 */
function configOptions(defaults: CommandDefaults = {}): Array<{ key: ConfigKey; option: Option }> {
  return configKeys.flatMap((key) => {
    const { kind, meaning, short } = settings[key];
    // Not commander's own default: it would set the key and hide the environment and secrets.json.
    const fallback = defaults[key] === undefined ? helpDefault(settings[key]) : `default: ${defaults[key]}`;
    const description = `${meaning} (${fallback})`;
    const spellings = [new Option(`${short ? `${short}, ` : ''}--${key} <${kind.placeholder}>`, description)];
    if (key.includes('_')) spellings.push(new Option(`--${key.replaceAll('_', '-')} <${kind.placeholder}>`).hideHelp());
    for (const option of spellings) {
      // Only a following word is a value: a valueless `--key` must not take the next `--other` as its value.
      option.required = false;
      option.optional = true;
    }
    return spellings.map((option) => ({ key, option }));
  });
}

/** Commander's attribute name of each option → its configuration key. */
const keyOfAttribute = new Map(configOptions().map(({ key, option }) => [option.attributeName(), key]));

/**
 * Declares every configuration key as an option of `command`, so its help lists them and its parser knows them.
 * @param defaults what the command does itself for a key left unset, when not the schema's default (for the help)
 */
export function addConfigOptions(command: Command, defaults: CommandDefaults = {}): Command {
  for (const { option } of configOptions(defaults)) command.addOption(option);
  return command;
}

/**
 * The configuration values among a command's parsed options.
 * @throws ConfigError for a valueless `--key` whose key is not a switch
 */
export function configValuesOf(options: Record<string, unknown>): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [attribute, value] of Object.entries(options)) {
    const key = keyOfAttribute.get(attribute);
    if (key === undefined || value === undefined) continue;
    if (value === true && !settings[key].kind.switch)
      throw new ConfigError(key, `needs a value: --${key} <${settings[key].kind.placeholder}>.`);
    values[key] = value;
  }
  return values;
}

/**
 * Reads the configuration keys given on a command line (`--key value`, `--key=value`, `-p 3001`);
 * other arguments are left alone.
 * @throws ConfigError for a valueless `--key` whose key is not a switch
 */
export function parseConfigArgv(argv: readonly string[]): Record<string, unknown> {
  const parser = addConfigOptions(new Command())
    .allowUnknownOption()
    .allowExcessArguments()
    .helpOption(false)
    .exitOverride()
    .configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  parser.parse([...argv], { from: 'user' });
  return configValuesOf(parser.opts());
}
