import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

import type { ConfigProblem } from './config-error.js';
import { renderValue } from './render-value.js';
import type { SchemaEntry } from './schema-node.js';

/** Only variables with this prefix are ever read. */
export const ENV_PREFIX = 'GITHUB_STATS_';

/** Names the config file; see `loadConfig`. */
export const CONFIG_PATH_ENV = 'GITHUB_STATS_CONFIG';

/** Suffix of the variable that names a file holding a secret's value. */
export const FILE_ENV_SUFFIX = '_FILE';

/** The environment as config sees it: `GITHUB_STATS_*` only, empty values dropped. */
export function pickConfigEnv(
  env: Readonly<Record<string, string | undefined>>,
): Readonly<Record<string, string>> {
  const picked: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    // An empty value counts as unset: `GITHUB_STATS_LOG_LEVEL=` in a compose file or a
    // Kubernetes manifest usually means "no override", not "override with nothing".
    if (name.startsWith(ENV_PREFIX) && value !== undefined && value !== '') picked[name] = value;
  }
  return picked;
}

/** Env overrides resolved for convict, with where each came from. */
export interface EnvOverrides {
  /** Variable → value for convict, `<VAR>_FILE` already read into `<VAR>`. */
  readonly values: Readonly<Record<string, string>>;
  /** Key path → the variable that set it (e.g. `GITHUB_STATS_REDIS_PASSWORD_FILE`). */
  readonly sourceByPath: ReadonlyMap<string, string>;
  readonly problems: readonly ConfigProblem[];
}

/**
 * Resolves the overrides of the schema keys that declare an `env` variable. A secret key
 * also accepts `<VAR>_FILE`: the file's content (one trailing newline dropped, as written by
 * `echo` or a Kubernetes Secret) becomes the value. Relative file paths resolve against `cwd`.
 */
export function readEnvOverrides(
  env: Readonly<Record<string, string>>,
  entries: readonly SchemaEntry[],
  cwd: string,
): EnvOverrides {
  const values: Record<string, string> = {};
  const sourceByPath = new Map<string, string>();
  const problems: ConfigProblem[] = [];
  for (const { path, spec } of entries) {
    if (spec.env === undefined) continue;
    const direct = env[spec.env];
    const fileVar = `${spec.env}${FILE_ENV_SUFFIX}`;
    const filePath = spec.sensitive === true ? env[fileVar] : undefined;
    if (direct !== undefined && filePath !== undefined) {
      problems.push({
        path,
        value: renderValue(direct, { sensitive: spec.sensitive === true }),
        message: `both ${spec.env} and ${fileVar} are set`,
        allowed: `only one of ${spec.env} and ${fileVar}`,
      });
    } else if (direct !== undefined) {
      values[spec.env] = direct;
      sourceByPath.set(path, spec.env);
    } else if (filePath !== undefined) {
      const read = readSecretFile(resolve(cwd, filePath));
      if (read.ok) {
        values[spec.env] = read.value;
        sourceByPath.set(path, fileVar);
      } else {
        problems.push({
          path,
          value: renderValue(filePath, { sensitive: false }),
          message: `cannot read the file named by ${fileVar} (${read.code})`,
          allowed: 'a readable file holding the value',
        });
      }
    }
  }
  return { values, sourceByPath, problems };
}

function readSecretFile(
  path: string,
): { readonly ok: true; readonly value: string } | { readonly ok: false; readonly code: string } {
  try {
    return { ok: true, value: readFileSync(path, 'utf8').replace(/\r?\n$/, '') };
  } catch (error) {
    return { ok: false, code: errorCode(error) };
  }
}

/** The `code` of a Node.js system error (`ENOENT`, `EACCES`, …), or its name otherwise. */
export function errorCode(error: unknown): string {
  if (error instanceof Error) {
    const { code } = error as NodeJS.ErrnoException;
    return code ?? error.name;
  }
  return 'unknown error';
}
