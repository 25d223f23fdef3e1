import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

import { checkInput, checkValue } from './check-input.js';
import { ConfigError, type ConfigProblem } from './config-error.js';
import type { Config } from './config-types.js';
import { CROSS_FIELD_RULES } from './cross-field-rules.js';
import { deepFreeze } from './deep-freeze.js';
import { toDemoInput } from './demo.js';
import { CONFIG_PATH_ENV, errorCode, pickConfigEnv, readEnvOverrides } from './env-overrides.js';
import { createFleetConvict } from './fleet-convict.js';
import { ORG_RULES } from './org-rules.js';
import { renderValue } from './render-value.js';
import { isMapping } from './formats.js';
import { FILE_PATH, parseConfigYaml } from './parse-yaml.js';
import { fleetSchema } from './schema.js';
import { listLeaves } from './schema-node.js';
import { toConfig } from './to-config.js';
import { runRules } from './validation-rule.js';

/** Where the config came from. */
export type ConfigSource =
  { readonly kind: 'file'; readonly path: string } | { readonly kind: 'demo' };

/** The result of {@link loadConfig}; deep-frozen. */
export interface LoadedConfig {
  readonly config: Config;
  readonly source: ConfigSource;
  /** Accepted-but-ignored keys the file set, one line per reason; log them at start. */
  readonly warnings: readonly string[];
}

/** Options of {@link loadConfig}: everything it may read from the process, passed in. */
export interface LoadConfigOptions {
  /** The process environment; only `GITHUB_STATS_*` variables are read. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Directory that `config/local.yaml`, a relative `GITHUB_STATS_CONFIG` and `*_FILE` paths resolve against. */
  readonly cwd: string;
  /**
   * Whether the calling service signs GitHub App tokens with the `private_key_path` files,
   * so they must be readable (default `true`). The metrics-gateway passes `false`: it never
   * talks to GitHub, and its pods get no key mounted.
   */
  readonly needsGitHubKeys?: boolean;
}

const NOT_SET = renderValue(undefined, { sensitive: false });

/** The label of demo mode in problem reports. */
export const DEMO_SOURCE_LABEL = 'demo defaults';

/** The operator's own config, relative to `cwd`; git-ignored. */
export const LOCAL_CONFIG_PATH = join('config', 'local.yaml');

/**
 * Loads and validates the fleet config. The file is `$GITHUB_STATS_CONFIG` if set (a
 * relative path resolves against `cwd`), else `<cwd>/config/local.yaml` if it exists,
 * else demo mode's built-in config. `GITHUB_STATS_LOG_LEVEL`, `GITHUB_STATS_REDIS_ADDR`,
 * `GITHUB_STATS_REDIS_PASSWORD` and `GITHUB_STATS_AMQP_URL` override the file; each secret
 * also reads `<VAR>_FILE`.
 *
 * @throws {ConfigError} listing every problem at once (unknown keys, bad values, broken
 *   cross-field rules, unreadable files), secrets redacted.
 */
export function loadConfig(options: LoadConfigOptions): LoadedConfig {
  const env = pickConfigEnv(options.env);
  const source = locateConfigIn(env, options.cwd);
  const label = source.kind === 'file' ? source.path : DEMO_SOURCE_LABEL;
  const entries = listLeaves(fleetSchema);
  const overrides = readEnvOverrides(env, entries, options.cwd);

  const input: ConfigInput =
    source.kind === 'file'
      ? overDemoDefaults(readConfigFile(source.path))
      : { ok: true, value: toDemoInput(tmpdir()) };
  if (!input.ok) throw new ConfigError(label, [...input.problems, ...overrides.problems]);

  const checked = checkInput(input.value, fleetSchema);
  const fleet = createFleetConvict(overrides.values);
  // load() merges the checked input over the defaults, then re-applies the env overrides.
  fleet.load(checked.sanitized);
  const raw = fleet.getProperties();
  const invalidPaths = new Set(checked.invalidPaths);
  const setPaths = new Set(checked.setPaths);
  // Values the file set are checked already; what is left are env overrides and defaults.
  // A default fails only for a key the file must set (github.orgs).
  const mergedProblems: ConfigProblem[] = [];
  for (const { path, spec } of entries) {
    const variable = overrides.sourceByPath.get(path);
    if (variable === undefined && (setPaths.has(path) || invalidPaths.has(path))) continue;
    const problem = checkValue(path, readPath(raw, path), spec, variable);
    if (problem === undefined) continue;
    mergedProblems.push(variable === undefined ? { ...problem, value: NOT_SET } : problem);
    invalidPaths.add(path);
  }
  const configDir = source.kind === 'file' ? dirname(source.path) : options.cwd;
  const ruleProblems = runRules([...ORG_RULES, ...CROSS_FIELD_RULES], {
    raw,
    invalidPaths,
    baseDir: configDir,
    needsGitHubKeys: options.needsGitHubKeys ?? true,
  });
  const problems = [...overrides.problems, ...checked.problems, ...mergedProblems, ...ruleProblems];
  if (problems.length > 0) throw new ConfigError(label, problems);

  return deepFreeze({
    config: toConfig(raw, { configDir }),
    source,
    warnings: ignoredKeyWarnings(checked.setPaths, entries),
  });
}

/**
 * Where {@link loadConfig} would read the config from, without reading it: for a launcher
 * that must know whether it is demo mode before the services load (and check) the file.
 */
export function locateConfig(options: LoadConfigOptions): ConfigSource {
  return locateConfigIn(pickConfigEnv(options.env), options.cwd);
}

function locateConfigIn(env: Readonly<Record<string, string>>, cwd: string): ConfigSource {
  const explicit = env[CONFIG_PATH_ENV];
  if (explicit !== undefined) return { kind: 'file', path: resolve(cwd, explicit) };
  const local = resolve(cwd, LOCAL_CONFIG_PATH);
  return existsSync(local) ? { kind: 'file', path: local } : { kind: 'demo' };
}

/**
 * A file that sets `demo.enabled: true` is demo mode's built-in config with the file's keys
 * over it (sections merged, lists replaced): a few lines add, say, a tracing collector to
 * the demo fleet (`pnpm start` then starts the simulator too).
 */
function overDemoDefaults(input: ConfigInput): ConfigInput {
  if (!input.ok || !isMapping(input.value['demo']) || input.value['demo']['enabled'] !== true) {
    return input;
  }
  return { ok: true, value: mergeSections(toDemoInput(tmpdir()), input.value) };
}

function mergeSections(
  base: Readonly<Record<string, unknown>>,
  over: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = merged[key];
    merged[key] = isMapping(current) && isMapping(value) ? mergeSections(current, value) : value;
  }
  return merged;
}

type ConfigInput =
  | { readonly ok: true; readonly value: Record<string, unknown> }
  | { readonly ok: false; readonly problems: readonly ConfigProblem[] };

function readConfigFile(path: string): ConfigInput {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    return {
      ok: false,
      problems: [
        {
          path: FILE_PATH,
          value: JSON.stringify(path),
          message: `cannot read the config file (${errorCode(error)})`,
          allowed: `a readable YAML file, named by ${CONFIG_PATH_ENV} or at ${LOCAL_CONFIG_PATH}`,
        },
      ],
    };
  }
  // Parsed here rather than by convict's loadFile: convict picks the parser by file
  // extension and falls back to JSON, but a Kubernetes ConfigMap is often mounted as a
  // file without one; and the checks need the file's own keys before defaults are merged.
  return parseConfigYaml(text);
}

function readPath(root: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>(
      (node, key) =>
        typeof node === 'object' && node !== null
          ? (node as Record<string, unknown>)[key]
          : undefined,
      root,
    );
}

function ignoredKeyWarnings(
  setPaths: readonly string[],
  entries: ReturnType<typeof listLeaves>,
): string[] {
  const pathsByReason = new Map<string, string[]>();
  const reasonByPath = new Map(entries.map(({ path, spec }) => [path, spec.ignored]));
  for (const path of setPaths) {
    const reason = reasonByPath.get(path);
    if (reason === undefined) continue;
    pathsByReason.set(reason, [...(pathsByReason.get(reason) ?? []), path]);
  }
  return [...pathsByReason].map(
    ([reason, paths]) => `accepted but ignored (${reason}): ${paths.join(', ')}`,
  );
}
