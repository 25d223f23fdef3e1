/**
 * One fixed window per bucket (an installation, an app's JWT requests, or anonymous callers),
 * counting points: GitHub's primary limits (1 h windows; a REST request is 1 point, a GraphQL
 * query its computed cost) and its secondary points limits (60 s windows). The window opens
 * with the first request after the last reset and lasts `windowMs`; `x-ratelimit-reset` is
 * its end in epoch seconds.
 */
export interface RateLimitState {
  readonly limit: number;
  readonly used: number;
  readonly remaining: number;
  /** Epoch seconds at which `used` returns to 0. */
  readonly resetUnixSeconds: number;
}

export interface RateLimiter {
  /** The bucket's state now (opening a window if the last one ended). */
  peek(bucket: string, nowMs: number): RateLimitState;
  /**
   * The bucket's state now without opening a window, for observers: with none open it reads
   * unused, resetting one window from now.
   */
  inspect(bucket: string, nowMs: number): RateLimitState;
  /** Charges `points` (default 1) to the bucket; call only when the request may proceed. */
  consume(bucket: string, nowMs: number, points?: number): RateLimitState;
  /**
   * Whole seconds until the bucket's current window ends, at least 1: a secondary hit's
   * `retry-after` (exact to the millisecond, where `resetUnixSeconds` is rounded up).
   */
  secondsUntilReset(bucket: string, nowMs: number): number;
  /** Sets what is left in the current window (tests of near-exhaustion). */
  setRemaining(bucket: string, remaining: number, nowMs: number): RateLimitState;
  /** Forgets every window, as if no request had been made. */
  reset(): void;
}

interface Window {
  startMs: number;
  used: number;
}

export function createRateLimiter(
  limitOf: (bucket: string) => number,
  windowMs: number,
): RateLimiter {
  const windows = new Map<string, Window>();

  const current = (bucket: string, nowMs: number): Window => {
    const existing = windows.get(bucket);
    if (existing && nowMs < existing.startMs + windowMs) return existing;
    const opened = { startMs: nowMs, used: 0 };
    windows.set(bucket, opened);
    return opened;
  };
  const stateOf = (bucket: string, window: Window): RateLimitState => {
    const limit = limitOf(bucket);
    return {
      limit,
      used: window.used,
      remaining: Math.max(0, limit - window.used),
      resetUnixSeconds: Math.ceil((window.startMs + windowMs) / 1000),
    };
  };

  return {
    peek: (bucket, nowMs) => stateOf(bucket, current(bucket, nowMs)),
    inspect(bucket, nowMs) {
      const existing = windows.get(bucket);
      const open = existing && nowMs < existing.startMs + windowMs;
      return stateOf(bucket, open ? existing : { startMs: nowMs, used: 0 });
    },
    consume(bucket, nowMs, points = 1) {
      const window = current(bucket, nowMs);
      window.used += points;
      return stateOf(bucket, window);
    },
    secondsUntilReset(bucket, nowMs) {
      const window = current(bucket, nowMs);
      return Math.max(1, Math.ceil((window.startMs + windowMs - nowMs) / 1000));
    },
    setRemaining(bucket, remaining, nowMs) {
      const window = current(bucket, nowMs);
      window.used = Math.max(0, limitOf(bucket) - remaining);
      return stateOf(bucket, window);
    },
    reset() {
      windows.clear();
    },
  };
}

/** In-flight requests per installation, and the most ever seen at once. */
export interface ConcurrencyTracker {
  /** Registers a request; returns how many are in flight including it. */
  enter(key: string): number;
  leave(key: string): void;
  inFlight(key: string): number;
  peak(key: string): number;
  resetPeaks(): void;
}

export function createConcurrencyTracker(): ConcurrencyTracker {
  const inFlightByKey = new Map<string, number>();
  const peaks = new Map<string, number>();
  return {
    enter(key) {
      const now = (inFlightByKey.get(key) ?? 0) + 1;
      inFlightByKey.set(key, now);
      if (now > (peaks.get(key) ?? 0)) peaks.set(key, now);
      return now;
    },
    leave(key) {
      inFlightByKey.set(key, Math.max(0, (inFlightByKey.get(key) ?? 0) - 1));
    },
    inFlight: (key) => inFlightByKey.get(key) ?? 0,
    peak: (key) => peaks.get(key) ?? 0,
    resetPeaks() {
      peaks.clear();
      // A reset must not forget requests still in flight, or the next peak reads too low.
      for (const [key, count] of inFlightByKey) if (count > 0) peaks.set(key, count);
    },
  };
}
