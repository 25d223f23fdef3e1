import { type Logger, toErrorMessage } from '@gse/logging';

import type { LeaderLock } from './leader-lock.js';

/** One term of leadership, from acquiring the lock to losing or releasing it. */
export interface Leadership {
  readonly ownerId: string;
  /** Greater than the token of every earlier term of any owner. */
  readonly fencingToken: number;
  /**
   * Aborts when the term ends: the lock was found taken over, renewal did not succeed within
   * `renewDeadlineMs` (so this fires before the lease can expire and anyone else can lead),
   * or the election is stopping. The reason is a {@link LeadershipEndedError}.
   */
  readonly signal: AbortSignal;
  /** Hash write that only lands while this owner still holds the lock (checked atomically). */
  hsetIfLeader(key: string, fields: Readonly<Record<string, string>>): Promise<boolean>;
}

/** Why a term ended; the `signal.reason` of a {@link Leadership}. */
export class LeadershipEndedError extends Error {
  constructor(
    readonly endedBy:
      'lock lost' | 'renew deadline passed' | 'election stopping' | 'leader duties ended',
  ) {
    super(`leadership ended: ${endedBy}`);
    this.name = 'LeadershipEndedError';
  }
}

export interface LeaderElectionOptions {
  readonly lock: LeaderLock;
  /**
   * `leader_election.renew_deadline`: a leader whose renewals have not succeeded for this
   * long steps down. Must be shorter than the lock's lease, so it steps down before the
   * lease expires and another process can acquire it.
   */
  readonly renewDeadlineMs: number;
  /** `leader_election.retry_period`: between acquisition attempts and between renewals. */
  readonly retryPeriodMs: number;
  /**
   * Runs the leader's duties for one term; must settle soon after `leadership.signal`
   * aborts. If it settles earlier (or throws), the term ends and the lock is released.
   */
  readonly onElected: (leadership: Leadership) => Promise<void>;
  readonly logger: Logger;
  /** Monotonic clock in ms (`performance.now`). */
  readonly now?: () => number;
}

/** Campaigns for the lock for as long as it runs, leading whenever it holds it. */
export interface LeaderElection {
  readonly ownerId: string;
  /** Starts campaigning. Idempotent; not restartable after `stop()`. */
  start(): void;
  /**
   * Ends the current term (its signal aborts), waits for its duties to settle, releases
   * the lock so a successor need not wait for the lease to expire, and stops campaigning.
   * Idempotent; fine without `start()`.
   */
  stop(): Promise<void>;
  /** Whether the campaign loop runs (for readiness): started and not stopped or crashed. */
  isCampaigning(): boolean;
  /** The current term, if this process leads. */
  current(): Leadership | undefined;
}

/**
 * Leader election on a {@link LeaderLock}, with Kubernetes leader-election timing: try to
 * acquire every `retryPeriodMs`; once leading, renew every `retryPeriodMs`; step down when
 * renewal fails for `renewDeadlineMs`, which is shorter than the lease.
 */
export function createLeaderElection(options: LeaderElectionOptions): LeaderElection {
  const { lock, renewDeadlineMs, retryPeriodMs, logger } = options;
  const now = options.now ?? (() => performance.now());
  if (!(retryPeriodMs > 0 && retryPeriodMs < renewDeadlineMs)) {
    throw new RangeError(
      `retryPeriodMs (${retryPeriodMs}) must be > 0 and shorter than renewDeadlineMs (${renewDeadlineMs})`,
    );
  }
  const stopping = new AbortController();
  // A function, not the property: TypeScript would keep `aborted` narrowed across awaits.
  const isStopping = (): boolean => stopping.signal.aborted;
  let loop: Promise<void> | undefined;
  let campaigning = false;
  let term: Leadership | undefined;

  async function lead(fencingToken: number, acquireSentAtMs: number): Promise<void> {
    const ended = new AbortController();
    const end = (endedBy: LeadershipEndedError['endedBy']): void => {
      if (!ended.signal.aborted) ended.abort(new LeadershipEndedError(endedBy));
    };
    const onStopping = (): void => {
      end('election stopping');
    };
    stopping.signal.addEventListener('abort', onStopping, { once: true });
    if (stopping.signal.aborted) onStopping();
    // The lease started no earlier than the acquire was sent: measuring from there keeps the
    // deadline ahead of the lease's real expiry.
    let deadline: NodeJS.Timeout | undefined;
    const armDeadline = (renewSentAtMs: number): void => {
      clearTimeout(deadline);
      deadline = setTimeout(
        () => {
          end('renew deadline passed');
        },
        Math.max(0, renewDeadlineMs - (now() - renewSentAtMs)),
      );
    };
    armDeadline(acquireSentAtMs);

    const renewals = (async () => {
      while (!ended.signal.aborted) {
        if (!(await sleepUnlessAborted(retryPeriodMs, ended.signal))) return;
        const sentAtMs = now();
        try {
          // A renewal stuck on a dead connection must not hold up stepping down.
          const kept = await untilAborted(lock.renew(), ended.signal);
          if (kept === undefined) return;
          if (!kept) {
            end('lock lost');
            return;
          }
          armDeadline(sentAtMs);
        } catch (error) {
          logger.warn('leader lock renewal failed', { error: toMessage(error) });
        }
      }
    })();

    const leadership: Leadership = {
      ownerId: lock.ownerId,
      fencingToken,
      signal: ended.signal,
      hsetIfLeader: async (key, fields) =>
        !ended.signal.aborted && (await lock.hsetIfHolder(key, fields)),
    };
    term = leadership;
    // `term`, not `fencingToken`: the logger redacts any field named like a token.
    logger.info('leadership acquired', { ownerId: lock.ownerId, term: fencingToken });
    try {
      await options.onElected(leadership);
    } catch (error) {
      logger.error('leader duties failed', { error: toMessage(error), term: fencingToken });
    }
    end('leader duties ended');
    await renewals;
    clearTimeout(deadline);
    stopping.signal.removeEventListener('abort', onStopping);
    term = undefined;
    const reason = ended.signal.reason as LeadershipEndedError;
    try {
      // Bounded: a release stuck on a dead connection must not hold up a shutdown. Left
      // unreleased, the lease runs out on its own and a successor waits at most lease_duration.
      const released = await untilAborted(lock.release(), AbortSignal.timeout(retryPeriodMs));
      if (released === undefined)
        logger.warn('leader lock release timed out', { term: fencingToken });
    } catch (error) {
      logger.warn('leader lock release failed', { error: toMessage(error) });
    }
    logger.info('leadership ended', { term: fencingToken, reason: reason.endedBy });
  }

  async function campaign(): Promise<void> {
    campaigning = true;
    try {
      while (!stopping.signal.aborted) {
        const sentAtMs = now();
        let token: number | undefined;
        try {
          const acquiring = lock.tryAcquire();
          token = await untilAborted(acquiring, stopping.signal);
          if (isStopping()) {
            // An acquisition that lands after the stop would hold the lock for a whole lease.
            void acquiring.then((late) => late !== undefined && lock.release()).catch(() => false);
            return;
          }
        } catch (error) {
          logger.warn('leader lock acquisition failed', { error: toMessage(error) });
        }
        if (token !== undefined) await lead(token, sentAtMs);
        await sleepUnlessAborted(retryPeriodMs, stopping.signal);
      }
    } finally {
      campaigning = false;
    }
  }

  return {
    ownerId: lock.ownerId,
    start() {
      if (loop || stopping.signal.aborted) return;
      loop = campaign().catch((error: unknown) => {
        logger.error('leader election stopped on an error', { error: toMessage(error) });
      });
    },
    async stop() {
      stopping.abort();
      await loop;
    },
    isCampaigning: () => campaigning,
    current: () => term,
  };
}

/** Waits `ms`; resolves `false` at once if `signal` aborts first. */
function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve(false);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** `promise`'s value, or `undefined` as soon as `signal` aborts (the promise is left to settle). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T | undefined> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      resolve(undefined);
      return;
    }
    const onAbort = (): void => {
      resolve(undefined);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

function toMessage(error: unknown): string {
  return toErrorMessage(error);
}
