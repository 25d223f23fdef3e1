import { toErrorMessage } from '@gse/logging';

/** What a readiness check answers: ok, or not ok with a reason an operator can act on. */
export type CheckResult = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** Asks one component whether it can do its work now (e.g. Redis answers PING). */
export type ReadinessCheck = () => CheckResult | Promise<CheckResult>;

/** One line of a {@link ReadinessReport}. */
export interface CheckReport {
  readonly name: string;
  readonly ok: boolean;
  readonly reason?: string;
}

/** The body of `/readyz`: ready only when every check is ok and the service is not stopping. */
export interface ReadinessReport {
  readonly ready: boolean;
  /** Every registered check in registration order, or only `stopping` once stopping began. */
  readonly checks: readonly CheckReport[];
}

/** The name of the pseudo-check that fails once {@link Readiness.markStopping} was called. */
export const STOPPING_CHECK = 'stopping';

export interface ReadinessOptions {
  /** A check that has not answered within this long counts as failed. Default 1000 ms. */
  readonly checkTimeoutMs?: number;
}

/** The readiness of one service: the checks its components registered, and a stop switch. */
export interface Readiness {
  /** Adds a check under a unique name; throws on a duplicate name. */
  register(name: string, check: ReadinessCheck): void;
  /**
   * Flips the service to not ready for good, so the load balancer stops sending work before
   * anything closes. Checks are no longer run after this (their dependencies are closing).
   */
  markStopping(): void;
  /** Runs every check concurrently, each bounded by `checkTimeoutMs`. Never rejects. */
  evaluate(): Promise<ReadinessReport>;
}

/** Creates a {@link Readiness} with no checks: ready until a check is registered. */
export function createReadiness(options: ReadinessOptions = {}): Readiness {
  const checkTimeoutMs = options.checkTimeoutMs ?? 1000;
  const checks = new Map<string, ReadinessCheck>();
  let stopping = false;

  return {
    register(name, check) {
      if (checks.has(name)) throw new Error(`readiness check "${name}" is already registered`);
      checks.set(name, check);
    },
    markStopping() {
      stopping = true;
    },
    async evaluate() {
      if (stopping) {
        return { ready: false, checks: [{ name: STOPPING_CHECK, ok: false, reason: 'stopping' }] };
      }
      const reports = await Promise.all(
        [...checks].map(([name, check]) => runCheck(name, check, checkTimeoutMs)),
      );
      return { ready: reports.every((report) => report.ok), checks: reports };
    },
  };
}

async function runCheck(
  name: string,
  check: ReadinessCheck,
  timeoutMs: number,
): Promise<CheckReport> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<CheckResult>((resolve) => {
    timer = setTimeout(() => {
      resolve({ ok: false, reason: `no answer within ${timeoutMs}ms` });
    }, timeoutMs);
  });
  try {
    const result = await Promise.race([Promise.resolve().then(check), timeout]);
    return result.ok ? { name, ok: true } : { name, ok: false, reason: result.reason };
  } catch (error) {
    return { name, ok: false, reason: toErrorMessage(error) };
  } finally {
    clearTimeout(timer);
  }
}
