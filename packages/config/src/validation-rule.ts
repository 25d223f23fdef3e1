import type { ConfigProblem } from './config-error.js';
import type { RawFleetConfig } from './raw-config.js';

/** What a rule sees: the merged config (defaults, file, env) and which values were rejected. */
export interface RuleContext {
  readonly raw: RawFleetConfig;
  /** Paths whose value failed its format; rules reading them are skipped. */
  readonly invalidPaths: ReadonlySet<string>;
  /** Directory that relative file paths in the config resolve against. */
  readonly baseDir: string;
  /** Whether the loading service reads the GitHub App key files (`LoadConfigOptions`). */
  readonly needsGitHubKeys: boolean;
}

/** A rule that looks at more than one value; its description goes into the generated docs. */
export interface ValidationRule {
  readonly description: string;
  /** Key paths the rule reads; it is skipped when any of them holds a rejected value. */
  readonly reads: readonly string[];
  readonly check: (context: RuleContext) => readonly ConfigProblem[];
}

/** Runs every rule whose inputs are valid and returns all their problems. */
export function runRules(
  rules: readonly ValidationRule[],
  context: RuleContext,
): readonly ConfigProblem[] {
  return rules
    .filter((rule) => rule.reads.every((path) => !context.invalidPaths.has(path)))
    .flatMap((rule) => rule.check(context));
}
