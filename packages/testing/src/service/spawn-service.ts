import { spawn } from 'node:child_process';

import { createLineCollector, type LogLine } from './captured-logger.js';

/** A bound TCP address, as a service logs it (`http server listening`). */
export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

export interface SpawnServiceOptions {
  /** The service's package directory; its `src/main.ts` runs, through tsx, from source. */
  readonly packageDir: string;
  /** Becomes `GITHUB_STATS_CONFIG` of the child. */
  readonly configPath: string;
  /**
   * The environment the child starts from (`PATH` and the like), usually `process.env`;
   * its `GITHUB_STATS_*` variables are dropped so the developer's shell cannot leak in.
   */
  readonly baseEnv: NodeJS.ProcessEnv;
}

/** How a spawned service ended, with everything it wrote. */
export interface ServiceExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
  /** The `message` of every stdout log line, in order. */
  readonly messages: readonly string[];
}

/** A service running as a real process. */
export interface SpawnedService {
  /** Every stdout log line so far, parsed. */
  lines(): LogLine[];
  /**
   * Resolves with the address to reach the service's HTTP server named `server` (`probe`,
   * `public`) at, once its "http server listening" line appears (a wildcard bind is reached
   * through loopback). Rejects when the process exits first or `timeoutMs` passes.
   */
  addressOf(server: string, timeoutMs?: number): Promise<ListenAddress>;
  kill(signal: NodeJS.Signals): void;
  /** Resolves once the process exited and its output ended; rejects after `timeoutMs`. */
  exited(timeoutMs?: number): Promise<ServiceExit>;
  /** SIGKILLs the process if it still runs and waits for it: for `afterEach`. */
  readonly dispose: () => Promise<void>;
}

const DEFAULT_TIMEOUT_MS = 15_000;

/**
 * Starts `src/main.ts` of a service package as its own Node process, the way
 * `pnpm --filter <service> start` does, with stdout (JSON log lines) and stderr captured.
 */
export function spawnService(options: SpawnServiceOptions): SpawnedService {
  const env = Object.fromEntries(
    Object.entries(options.baseEnv).filter(([key]) => !key.startsWith('GITHUB_STATS_')),
  );
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--conditions=@gse/source', 'src/main.ts'],
    {
      cwd: options.packageDir,
      env: { ...env, GITHUB_STATS_CONFIG: options.configPath },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const stdout = createLineCollector();
  let stderr = '';
  let exit: ServiceExit | undefined;
  const listeners = new Set<() => void>();
  const notify = (): void => {
    for (const listener of listeners) listener();
  };
  child.stdout.on('data', (chunk: Buffer) => {
    stdout.push(chunk.toString('utf8'));
    notify();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  child.on('close', (code, signal) => {
    exit = {
      code,
      signal,
      stderr,
      messages: stdout.lines().map((line) => String(line['message'])),
    };
    notify();
  });

  /** Re-evaluates `check` on every output line and at exit until it gives a value. */
  function watch<T>(check: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const finish = (settle: () => void): void => {
        listeners.delete(evaluate);
        clearTimeout(timer);
        settle();
      };
      const evaluate = (): void => {
        try {
          const value = check();
          if (value !== undefined) {
            finish(() => {
              resolve(value);
            });
          }
        } catch (error) {
          finish(() => {
            reject(error instanceof Error ? error : new Error(String(error)));
          });
        }
      };
      const timer = setTimeout(() => {
        finish(() => {
          reject(new Error(`timed out after ${timeoutMs}ms waiting for ${what}`));
        });
      }, timeoutMs);
      listeners.add(evaluate);
      evaluate();
    });
  }

  const describeExit = (ended: ServiceExit): string =>
    `code ${String(ended.code)}, signal ${String(ended.signal)}; stderr: ${ended.stderr}`;

  return {
    lines: () => stdout.lines(),
    addressOf(server, timeoutMs = DEFAULT_TIMEOUT_MS) {
      return watch(
        () => {
          const line = stdout
            .lines()
            .find(
              (entry) => entry['message'] === 'http server listening' && entry['server'] === server,
            );
          if (line) return toReachableAddress(line);
          if (exit)
            throw new Error(`service exited before ${server} listened: ${describeExit(exit)}`);
          return undefined;
        },
        timeoutMs,
        `the ${server} http server to listen`,
      );
    },
    kill(signal) {
      child.kill(signal);
    },
    exited(timeoutMs = DEFAULT_TIMEOUT_MS) {
      return watch(() => exit, timeoutMs, 'the service process to exit');
    },
    async dispose() {
      if (exit) return;
      child.kill('SIGKILL');
      await watch(() => exit, DEFAULT_TIMEOUT_MS, 'the killed service process to exit');
    },
  };
}

function toReachableAddress(line: LogLine): ListenAddress {
  const { host, port } = line;
  if (typeof host !== 'string' || typeof port !== 'number') {
    throw new Error(`listening line without host and port: ${JSON.stringify(line)}`);
  }
  const wildcards: Record<string, string> = { '0.0.0.0': '127.0.0.1', '::': '::1' };
  return { host: wildcards[host] ?? host, port };
}
