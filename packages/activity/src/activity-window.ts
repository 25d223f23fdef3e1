const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const WEEK_MS = 7 * DAY_MS;
// 1970-01-01 was a Thursday; the first Sunday 00:00 UTC after the epoch is 3 days later.
const FIRST_SUNDAY_MS = 3 * DAY_MS;

/** Length of the window of every `gh_activity_*_24h` gauge. */
export const ACTIVITY_WINDOW_MS = DAY_MS;

/** A half-open interval of epoch milliseconds. */
export interface TimeRange {
  /** Exclusive for activity windows, inclusive for weeks: see each producer. */
  readonly startMs: number;
  readonly endMs: number;
}

/**
 * The 24 h window ending at a repo's last successful scrape `t`: `(t − 24h, t]`
 * (DESIGN.md §5). An event exactly 24 h old is outside; one at `t` is inside.
 */
export function isInActivityWindow(eventAtMs: number, scrapedAtMs: number): boolean {
  return eventAtMs > scrapedAtMs - ACTIVITY_WINDOW_MS && eventAtMs <= scrapedAtMs;
}

/** Whether an event is recent enough to keep its series alive: `(t − retention, t]`. */
export function isInRetention(eventAtMs: number, atMs: number, retentionMs: number): boolean {
  return eventAtMs > atMs - retentionMs && eventAtMs <= atMs;
}

/**
 * The last complete week at `atMs`, Sunday 00:00 UTC to Sunday 00:00 UTC, as
 * `[startMs, endMs)`: the weeks GitHub's `/stats/contributors` reports. At exactly Sunday
 * 00:00 the week that just ended is complete.
 */
export function lastCompleteWeek(atMs: number): TimeRange {
  const endMs = atMs - ((((atMs - FIRST_SUNDAY_MS) % WEEK_MS) + WEEK_MS) % WEEK_MS);
  return { startMs: endMs - WEEK_MS, endMs };
}
