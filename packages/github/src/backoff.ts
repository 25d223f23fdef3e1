/** `retry.*` of the config, in milliseconds. */
export interface RetryOptions {
  /** `retry.max_attempts` (5): requests sent per call, the first included. */
  readonly maxAttempts: number;
  /** `retry.initial_backoff` (2s): delay before the first retry. */
  readonly initialBackoffMs: number;
  /** `retry.max_backoff` (30s): no backoff delay exceeds it. */
  readonly maxBackoffMs: number;
  /** `retry.jitter` (true): spread delays so a fleet does not retry in lockstep. */
  readonly jitter: boolean;
}

/**
 * Delay before retry number `retry` (1 = the first retry): `initialBackoffMs · 2^(retry−1)`,
 * capped at `maxBackoffMs`. With jitter the delay is uniform in `[d/2, d]` ("equal jitter"):
 * retries of many processes spread out, yet none retries sooner than half the schedule, so a
 * struggling GitHub still gets the breathing room the schedule promises.
 *
 * @param random a value in `[0, 1)`, `Math.random` in production.
 */
export function computeBackoffMs(
  retry: number,
  options: RetryOptions,
  random: () => number,
): number {
  const exponent = Math.max(0, retry - 1);
  const scheduled = Math.min(options.maxBackoffMs, options.initialBackoffMs * 2 ** exponent);
  if (!options.jitter) return scheduled;
  const half = scheduled / 2;
  return Math.round(half + random() * half);
}
