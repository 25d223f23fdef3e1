/** Time units and the ISO form GitHub uses (whole seconds, `Z`, no milliseconds). */
export const SECOND_MS = 1000;
export const MINUTE_MS = 60 * SECOND_MS;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;
export const WEEK_MS = 7 * DAY_MS;

/** `2026-11-28T13:00:00Z`; milliseconds are truncated, as GitHub's timestamps have none. */
export function toIsoSeconds(ms: number): string {
  return new Date(floorToSecond(ms)).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Epoch ms of an ISO timestamp; throws on a malformed one rather than yielding NaN. */
export function parseIsoMs(iso: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`not an ISO timestamp: ${iso}`);
  return ms;
}

export function floorToSecond(ms: number): number {
  return Math.floor(ms / SECOND_MS) * SECOND_MS;
}

/**
 * The latest Sunday 00:00 UTC at or before `ms`: the end of the last complete week, as
 * `/stats/contributors` buckets weeks (1970-01-01 was a Thursday, hence the `+ 4`).
 */
export function lastSundayStartMs(ms: number): number {
  const day = Math.floor(ms / DAY_MS);
  const dayOfWeek = (((day + 4) % 7) + 7) % 7;
  return (day - dayOfWeek) * DAY_MS;
}
