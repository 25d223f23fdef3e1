import type { ChildProcess } from 'node:child_process';

import { waitFor } from './wait-for.js';

/**
 * Waits until `isServing()` holds for a server the caller just spawned, and fails at once
 * (naming `what` and the exit code) if the process exits or cannot be spawned first, instead
 * of waiting out the deadline.
 */
export async function waitUntilServing(
  child: ChildProcess,
  isServing: () => Promise<boolean>,
  options: { readonly what: string; readonly timeoutMs: number },
): Promise<void> {
  let failure: Error | undefined;
  const onError = (error: Error): void => {
    failure = new Error(`${options.what} could not start: ${error.message}`);
  };
  const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
    failure = new Error(`${options.what} exited before serving (${signal ?? `code ${code}`})`);
  };
  child.once('error', onError);
  child.once('exit', onExit);
  try {
    await waitFor(
      async () => {
        if (failure) return failure;
        return await isServing();
      },
      { timeoutMs: options.timeoutMs, intervalMs: 100, description: `${options.what} to serve` },
    ).then((result) => {
      if (result instanceof Error) throw result;
    });
  } finally {
    child.off('error', onError);
    child.off('exit', onExit);
  }
}
