import { type Logger, toErrorMessage, toLoggedError } from '@gse/logging';

/** Releases one resource. May be sync or async; a throw or rejection counts as a failure. */
export type CloseStep = () => void | Promise<void>;

/** One step that failed while the stack was closing. */
export interface ShutdownFailure {
  readonly step: string;
  readonly error: unknown;
}

/**
 * Thrown by {@link ShutdownStack.close} when any step failed or the deadline passed. Every
 * failure is listed, not just the first; `pendingSteps` are the steps that had not finished
 * when the deadline passed (the one that hung first).
 */
export class ShutdownError extends Error {
  override readonly name = 'ShutdownError';
  readonly failures: readonly ShutdownFailure[];
  readonly pendingSteps: readonly string[];

  constructor(failures: readonly ShutdownFailure[], pendingSteps: readonly string[]) {
    const parts = failures.map(({ step, error }) => `${step} failed: ${toErrorMessage(error)}`);
    if (pendingSteps.length > 0) {
      parts.push(`deadline passed before: ${pendingSteps.join(', ')}`);
    }
    super(`shutdown incomplete: ${parts.join('; ')}`);
    this.failures = failures;
    this.pendingSteps = pendingSteps;
  }
}

export interface ShutdownStackOptions {
  readonly logger: Logger;
  /** Deadline for the whole close, counted from the first `close()` call, in milliseconds. */
  readonly timeoutMs: number;
}

/**
 * A LIFO list of named closers: what was opened last is closed first, so a consumer stops
 * before the connection it reads from.
 */
export interface ShutdownStack {
  /**
   * Adds a step. Throws once `close()` has begun: a resource opened after that would never
   * be released, and the caller must hear about it.
   */
  push(name: string, step: CloseStep): void;
  /**
   * Runs every step once, last pushed first, one at a time. A failing step is logged and the
   * next one still runs. Resolves when all succeeded; rejects with a {@link ShutdownError}
   * naming every failure, or the steps left when `timeoutMs` passed (later steps are not
   * started then). Idempotent: every call returns the same promise.
   */
  close(): Promise<void>;
}

/** Creates an empty {@link ShutdownStack}. */
export function createShutdownStack(options: ShutdownStackOptions): ShutdownStack {
  const { logger, timeoutMs } = options;
  const steps: { readonly name: string; readonly step: CloseStep }[] = [];
  let closing: Promise<void> | undefined;

  async function closeAll(): Promise<void> {
    const failures: ShutdownFailure[] = [];
    let running: string | undefined;
    let expired = false;

    async function runSteps(): Promise<false> {
      while (!expired) {
        const next = steps.pop();
        if (!next) break;
        const startedAt = Date.now();
        running = next.name;
        try {
          await next.step();
          logger.debug('shutdown step done', {
            step: next.name,
            durationMs: Date.now() - startedAt,
          });
        } catch (error) {
          failures.push({ step: next.name, error });
          logger.error('shutdown step failed', { step: next.name, error: toLoggedError(error) });
        }
        running = undefined;
      }
      return false;
    }

    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<true>((resolve) => {
      timer = setTimeout(() => {
        resolve(true);
      }, timeoutMs);
    });
    try {
      // A hung step keeps running in the background: the caller exits or gives up on it.
      expired = await Promise.race([runSteps(), deadline]);
    } finally {
      clearTimeout(timer);
    }
    const pendingSteps = expired
      ? [...(running === undefined ? [] : [running]), ...steps.map((entry) => entry.name).reverse()]
      : [];
    if (expired) logger.error('shutdown deadline passed', { timeoutMs, pendingSteps });
    if (failures.length > 0 || pendingSteps.length > 0) {
      throw new ShutdownError(failures, pendingSteps);
    }
  }

  return {
    push(name, step) {
      if (closing) throw new Error(`shutdown already started; cannot add step "${name}"`);
      steps.push({ name, step });
    },
    close() {
      closing ??= closeAll();
      return closing;
    },
  };
}
