/**
 * One thing wrong with the config. `value` is already rendered for humans, with secrets
 * shown as `[REDACTED]`, so a problem can be logged or printed as it is.
 */
export interface ConfigProblem {
  /** Key path as written in YAML, e.g. `github.orgs[1].scrape_interval`; `<file>` for the file itself. */
  readonly path: string;
  /** The offending value, rendered and redacted. */
  readonly value: string;
  /** What is wrong, e.g. `must not be negative`. */
  readonly message: string;
  /** What would be accepted, e.g. `a duration > 0: …`. */
  readonly allowed: string;
}

/**
 * Thrown by `loadConfig` with every problem found at once. `message` reads
 * `invalid configuration in <source>: N problems` followed by one line per problem naming
 * the key path, the value and what is allowed; it never contains a secret.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly problems: readonly ConfigProblem[];
  /** The config file's path, or `demo defaults`. */
  readonly source: string;

  constructor(source: string, problems: readonly ConfigProblem[]) {
    super(renderProblems(source, problems));
    this.source = source;
    this.problems = Object.freeze([...problems]);
  }
}

function renderProblems(source: string, problems: readonly ConfigProblem[]): string {
  const count = `${problems.length} problem${problems.length === 1 ? '' : 's'}`;
  const lines = problems.map(
    (problem) =>
      `  - ${problem.path}: ${problem.message}; got ${problem.value}; allowed: ${problem.allowed}`,
  );
  return [`invalid configuration in ${source}: ${count}`, ...lines].join('\n');
}
