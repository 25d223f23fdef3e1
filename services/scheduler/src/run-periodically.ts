import { type Logger, toErrorMessage } from '@gse/logging';

/**
 * Runs `task` at once, then again `intervalMs` after each run ends, until `signal` aborts
 * (an interval never overlaps itself). A failed run is logged and the next one still
 * comes. Resolves once the signal aborted and the run in progress ended.
 */
export async function runPeriodically(options: {
  readonly name: string;
  readonly intervalMs: number;
  readonly signal: AbortSignal;
  readonly logger: Logger;
  readonly task: () => Promise<void>;
}): Promise<void> {
  const { signal } = options;
  // A function, not the property: TypeScript would keep `aborted` narrowed across awaits.
  const isAborted = (): boolean => signal.aborted;
  while (!isAborted()) {
    try {
      await options.task();
    } catch (error) {
      if (isAborted()) return;
      options.logger.warn('leader task failed', {
        task: options.name,
        error: toErrorMessage(error),
      });
    }
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, options.intervalMs);
      signal.addEventListener('abort', done, { once: true });
    });
  }
}
