import convict from 'convict';

import { parseYaml } from './parse-yaml.js';
import type { RawFleetConfig } from './raw-config.js';
import { fleetSchema } from './schema.js';

/**
 * A convict instance of {@link fleetSchema}: defaults applied, `env` imported (never
 * `process.env` or `process.argv`), and YAML registered so `loadFile` reads `.yaml`/`.yml`.
 */
export function createFleetConvict(
  env: Readonly<Record<string, string>>,
): convict.Config<RawFleetConfig> {
  convict.addParser({ extension: ['yaml', 'yml'], parse: parseYaml });
  return convict<RawFleetConfig>(fleetSchema, { env: { ...env }, args: [] });
}
