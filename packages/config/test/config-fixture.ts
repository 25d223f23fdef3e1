import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { ConfigError } from '../src/config-error.js';
import { loadConfig, type LoadedConfig } from '../src/load-config.js';

/** A PEM-shaped placeholder; config only checks that the file is readable. */
export const DUMMY_KEY =
  '-----BEGIN RSA PRIVATE KEY-----\nnot a real key\n-----END RSA PRIVATE KEY-----\n';

/** The smallest valid config: one org whose key is `keys/acme.pem` beside the file. */
export const MINIMAL_YAML = `
github:
  orgs:
    - org: acme
      app_id: 1
      installation_id: 2
      private_key_path: keys/acme.pem
      scrape_interval: 5m
`;

/** A throwaway directory for config files and keys; `remove()` it in `afterEach`. */
export interface ConfigDir {
  readonly dir: string;
  /** Writes `text` to `relativePath` under `dir` (creating folders) and returns the absolute path. */
  write(relativePath: string, text: string): string;
  /** Writes `yaml` to `config.yaml`, a dummy `keys/acme.pem`, and loads it via GITHUB_STATS_CONFIG. */
  load(yaml: string, env?: Record<string, string | undefined>): LoadedConfig;
  /** Like `load`, but expects a `ConfigError` and returns it. */
  loadError(yaml: string, env?: Record<string, string | undefined>): ConfigError;
  remove(): void;
}

export function createConfigDir(): ConfigDir {
  const dir = mkdtempSync(join(tmpdir(), 'gse-config-'));
  const write = (relativePath: string, text: string): string => {
    const path = join(dir, relativePath);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    return path;
  };
  const load = (yaml: string, env: Record<string, string | undefined> = {}): LoadedConfig => {
    write('keys/acme.pem', DUMMY_KEY);
    const path = write('config.yaml', yaml);
    return loadConfig({ env: { GITHUB_STATS_CONFIG: path, ...env }, cwd: dir });
  };
  return {
    dir,
    write,
    load,
    loadError: (yaml, env) => {
      try {
        load(yaml, env);
      } catch (error) {
        if (error instanceof ConfigError) return error;
        throw error;
      }
      throw new Error('expected loadConfig to throw a ConfigError');
    },
    remove: () => {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
