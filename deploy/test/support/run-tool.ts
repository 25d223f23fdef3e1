import { spawnSync } from 'node:child_process';

/** What a finished tool run printed and how it exited. */
export interface ToolRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** How to get each external tool on this project's machines (Debian 12); .ci/run installs them. */
const INSTALL_HINTS: Readonly<Record<string, string>> = {
  promtool: 'apt-get install -y --no-install-recommends prometheus',
  kubectl: 'kubectl 1.32 (ships Kustomize 5.5)',
  'docker-compose': 'apt-get install -y --no-install-recommends docker-compose',
  yamllint: 'apt-get install -y --no-install-recommends yamllint',
};

/**
 * Runs an external tool to completion. A missing tool fails with the install command rather
 * than a bare ENOENT, so a machine without it says what to do.
 */
export function runTool(
  command: string,
  args: readonly string[],
  options: { readonly cwd: string; readonly env?: NodeJS.ProcessEnv },
): ToolRun {
  const result = spawnSync(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    encoding: 'utf8',
    timeout: 20_000,
  });
  if (result.error) {
    const hint = INSTALL_HINTS[command] ?? 'install it';
    throw new Error(`cannot run ${command} (${result.error.message}); ${hint}`);
  }
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs a tool and returns its stdout; any non-zero exit fails with everything it printed. */
export function runToolOk(
  command: string,
  args: readonly string[],
  options: { readonly cwd: string; readonly env?: NodeJS.ProcessEnv },
): string {
  const run = runTool(command, args, options);
  if (run.code !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} exited ${run.code}\n${run.stdout}\n${run.stderr}`.trimEnd(),
    );
  }
  return run.stdout;
}
