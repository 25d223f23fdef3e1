import type { LogContext, Logger } from '@gse/logging';

import type {
  BudgetAnswer,
  BudgetDraw,
  BudgetResource,
  CachedInstallationToken,
  EtagCache,
  InstallationSemaphore,
  InstallationTokenCache,
  PrimaryBudgetView,
  RequestBudget,
  SemaphoreLease,
} from '../src/index.js';

/** In-memory ports, standing in for the Redis adapters of `@gse/store`. */
export function createMemoryEtagCache(): EtagCache & { readonly entries: Map<string, string> } {
  const entries = new Map<string, string>();
  return {
    entries,
    get: (installationId, url) => Promise.resolve(entries.get(`${installationId} ${url}`)),
    set: (installationId, url, etag) => {
      entries.set(`${installationId} ${url}`, etag);
      return Promise.resolve();
    },
  };
}

export function createMemoryTokenCache(): InstallationTokenCache {
  const stored = new Map<number, CachedInstallationToken>();
  return {
    get: (installationId) => Promise.resolve(stored.get(installationId)),
    set: (installationId, token) => {
      stored.set(installationId, token);
      return Promise.resolve();
    },
    delete: (installationId, token) => {
      if (stored.get(installationId)?.token === token) stored.delete(installationId);
      return Promise.resolve();
    },
  };
}

/** A counting semaphore shared by every client given it, like one Redis semaphore would be. */
export function createMemorySemaphore(limit: number): InstallationSemaphore & {
  /** Most slots ever held at once. */
  peak(): number;
  /** Slots held now. */
  held(): number;
} {
  let held = 0;
  let peak = 0;
  const waiters: (() => void)[] = [];
  const lease = (): SemaphoreLease => {
    held += 1;
    peak = Math.max(peak, held);
    let released = false;
    return {
      release() {
        if (!released) {
          released = true;
          held -= 1;
          waiters.shift()?.();
        }
        return Promise.resolve();
      },
    };
  };
  return {
    peak: () => peak,
    held: () => held,
    acquire(_installationId, signal) {
      if (held < limit) return Promise.resolve(lease());
      return new Promise<SemaphoreLease>((resolve, reject) => {
        const onAbort = (): void => {
          const index = waiters.indexOf(wake);
          if (index >= 0) waiters.splice(index, 1);
          reject(signal.reason as Error);
        };
        const wake = (): void => {
          signal.removeEventListener('abort', onAbort);
          resolve(lease());
        };
        waiters.push(wake);
        signal.addEventListener('abort', onAbort, { once: true });
      });
    },
  };
}

export interface LogLine {
  readonly level: string;
  readonly message: string;
  readonly context: LogContext | undefined;
}

/** A logger that keeps its lines for assertions. */
export function createRecordingLogger(
  lines: LogLine[] = [],
): Logger & { readonly lines: LogLine[] } {
  const at =
    (level: string) =>
    (message: string, context?: LogContext): void => {
      lines.push({ level, message, context });
    };
  return {
    lines,
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (context) => {
      const child = createRecordingLogger(lines);
      return {
        ...child,
        debug: (message, extra) => {
          child.debug(message, { ...context, ...extra });
        },
        info: (message, extra) => {
          child.info(message, { ...context, ...extra });
        },
        warn: (message, extra) => {
          child.warn(message, { ...context, ...extra });
        },
        error: (message, extra) => {
          child.error(message, { ...context, ...extra });
        },
      };
    },
  };
}

/**
 * A budget that answers each draw with the next of `answers` (then: granted, no primary
 * view), recording every draw and every primary view observed.
 */
export function createRecordingBudget(answers: BudgetAnswer[] = []): RequestBudget & {
  readonly draws: BudgetDraw[];
  readonly observed: { resource: BudgetResource; view: PrimaryBudgetView }[];
} {
  const draws: BudgetDraw[] = [];
  const observed: { resource: BudgetResource; view: PrimaryBudgetView }[] = [];
  return {
    draws,
    observed,
    tryTake(_installationId, draw) {
      draws.push(draw);
      return Promise.resolve(answers.shift() ?? { granted: true, primary: undefined });
    },
    observePrimary(_installationId, resource, view) {
      observed.push({ resource, view });
      return Promise.resolve();
    },
  };
}
