import type { Sleep } from './abortable-sleep.js';

/** `rate_limit.*` of the config, in milliseconds. */
export interface RateLimitOptions {
  /** `rate_limit.min_remaining_threshold` (200): below this, send nothing until the reset. */
  readonly minRemaining: number;
  /** `rate_limit.min_reset_buffer` (10s): added to `x-ratelimit-reset` before sending again. */
  readonly minResetBufferMs: number;
  /** `rate_limit.secondary_limit_backoff` (60s): the least wait after a secondary limit. */
  readonly secondaryLimitBackoffMs: number;
  /**
   * The share of the installation's primary budget (`x-ratelimit-limit`) this client leaves
   * to the others: it sends nothing while `remaining` is below `minRemaining` plus this share
   * of the limit. 0 when absent (the schedule's clients); `backfill.rate_limit_reserve` for
   * the backfill-worker's, so a backfill never spends what the next scheduled cycles need.
   */
  readonly reservedShare?: number;
  /**
   * What a request meeting a primary hold does: `wait` for the reset (default), or `fail` at
   * once (a retryable `GitHubRequestError`) for a caller whose own retry path waits better,
   * like a backfill message going up its retry ladder instead of sitting unacked for an hour.
   */
  readonly onPrimaryHold?: 'wait' | 'fail';
}

/** The installation's primary budget as GitHub last reported it. */
export interface RateLimitSnapshot {
  readonly limit: number;
  readonly remaining: number;
  /** `x-ratelimit-reset`, epoch ms. */
  readonly resetAtMs: number;
}

/** Why the gate holds requests back. */
export type GateHold = 'primary' | 'secondary';

export interface RateLimitGate {
  /** Records the `x-ratelimit-*` headers of a response; returns what they said. */
  observe(headers: Readonly<Record<string, string | undefined>>): RateLimitSnapshot | undefined;
  /**
   * Takes in a snapshot another process saw (the fleet's view, from the `RequestBudget`), by
   * the same rule as {@link observe}: a later window replaces, a lower `remaining` in the same
   * window wins.
   */
  merge(snapshot: RateLimitSnapshot): void;
  /** Holds every request until `untilMs` (a secondary limit, or a reset GitHub did not date). */
  holdUntil(untilMs: number): void;
  /** How long the next request must wait, and why; `undefined` when it may go now. */
  pending(): { readonly waitMs: number; readonly hold: GateHold } | undefined;
  /** Waits until {@link pending} is clear; rejects with `signal.reason` on abort. */
  waitForClearance(
    signal: AbortSignal,
    onWait: (waitMs: number, hold: GateHold) => void,
  ): Promise<void>;
}

/**
 * One installation's rate-limit state inside one client: every response updates it, and
 * every request passes it first. Primary: when `remaining` is under `minRemaining` (or 0),
 * nothing is sent before `reset + minResetBufferMs`. Secondary: nothing before the hold ends.
 */
export function createRateLimitGate(
  options: RateLimitOptions,
  now: () => number,
  sleep: Sleep,
): RateLimitGate {
  let snapshot: RateLimitSnapshot | undefined;
  let heldUntilMs = 0;

  function observe(headers: Readonly<Record<string, string | undefined>>) {
    const limit = Number(headers['x-ratelimit-limit']);
    const remaining = Number(headers['x-ratelimit-remaining']);
    const resetSeconds = Number(headers['x-ratelimit-reset']);
    if (
      headers['x-ratelimit-remaining'] === undefined ||
      headers['x-ratelimit-reset'] === undefined ||
      !Number.isFinite(remaining) ||
      !Number.isFinite(resetSeconds)
    ) {
      return undefined;
    }
    const observed = {
      limit: Number.isFinite(limit) ? limit : remaining,
      remaining,
      resetAtMs: resetSeconds * 1000,
    };
    merge(observed);
    return observed;
  }

  function merge(observed: RateLimitSnapshot): void {
    // Responses of concurrent requests arrive out of order: a stale window never replaces a
    // newer one, and within one window the lowest remaining is the truest.
    if (snapshot === undefined || observed.resetAtMs > snapshot.resetAtMs) {
      snapshot = observed;
    } else if (
      observed.resetAtMs === snapshot.resetAtMs &&
      observed.remaining < snapshot.remaining
    ) {
      snapshot = observed;
    }
  }

  function floorOf(current: RateLimitSnapshot): number {
    const reserved = Math.ceil((options.reservedShare ?? 0) * current.limit);
    return Math.max(1, options.minRemaining + reserved);
  }

  function pending(): { waitMs: number; hold: GateHold } | undefined {
    const nowMs = now();
    let waitMs = 0;
    let hold: GateHold = 'secondary';
    if (heldUntilMs > nowMs) waitMs = heldUntilMs - nowMs;
    if (snapshot && snapshot.remaining < floorOf(snapshot)) {
      const primaryWaitMs = snapshot.resetAtMs + options.minResetBufferMs - nowMs;
      // A 403 of exhaustion holds the gate until the same instant (`holdFor`): a primary hold.
      if (primaryWaitMs >= waitMs) {
        waitMs = primaryWaitMs;
        hold = 'primary';
      }
    }
    return waitMs > 0 ? { waitMs, hold } : undefined;
  }

  async function waitForClearance(
    signal: AbortSignal,
    onWait: (waitMs: number, hold: GateHold) => void,
  ): Promise<void> {
    // Loop: while one wait runs, another response may move the reset or add a hold.
    for (let wait = pending(); wait !== undefined; wait = pending()) {
      onWait(wait.waitMs, wait.hold);
      await sleep(wait.waitMs, signal);
    }
  }

  return {
    observe,
    merge,
    holdUntil(untilMs) {
      heldUntilMs = Math.max(heldUntilMs, untilMs);
    },
    pending,
    waitForClearance,
  };
}
