const DAY_MS = 86_400_000;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Days of a users report: GitHub's 28-day report covers 28 days, both ends included. */
export const COPILOT_REPORT_DAYS = 28;

/** `YYYY-MM-DD` (UTC) of an epoch ms. */
export function toCopilotDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** 00:00 UTC of a `YYYY-MM-DD`, epoch ms; throws on anything else. */
export function parseCopilotDayMs(day: string): number {
  const ms = DAY.test(day) ? Date.parse(`${day}T00:00:00Z`) : Number.NaN;
  if (Number.isNaN(ms) || toCopilotDay(ms) !== day) throw new TypeError(`not a day: ${day}`);
  return ms;
}

/** Every day from `startDay` to `endDay`, both included, oldest first. */
export function daysBetween(startDay: string, endDay: string): string[] {
  const startMs = parseCopilotDayMs(startDay);
  const endMs = parseCopilotDayMs(endDay);
  const days: string[] = [];
  for (let ms = startMs; ms <= endMs; ms += DAY_MS) days.push(toCopilotDay(ms));
  return days;
}

/**
 * The newest day a report can cover at `nowMs`: today (UTC) minus the lag. Reports lag
 * about two days (docs/github-limitations.md#copilot-usage-reports): a 1-day report for a
 * newer day does not exist yet, so neither a backfill nor an expected window goes past it.
 */
export function latestCopilotDay(nowMs: number, lagDays: number): string {
  return toCopilotDay((Math.floor(nowMs / DAY_MS) - lagDays) * DAY_MS);
}

/** The 28-day window ending on `endDay`. */
export function copilotWindowEnding(endDay: string): { startDay: string; endDay: string } {
  return {
    startDay: toCopilotDay(parseCopilotDayMs(endDay) - (COPILOT_REPORT_DAYS - 1) * DAY_MS),
    endDay,
  };
}

/** A window of days as a backfill window: `[startDay 00:00, day after endDay 00:00)`. */
export function toDayWindowMs(window: { startDay: string; endDay: string }): {
  fromMs: number;
  toMs: number;
} {
  return {
    fromMs: parseCopilotDayMs(window.startDay),
    toMs: parseCopilotDayMs(window.endDay) + DAY_MS,
  };
}

/**
 * The days a backfill window asks for, without those inside the lag at `nowMs` (never asked:
 * GitHub has no report for them yet). Empty when every day is too new.
 */
export function toBackfillDays(
  window: { fromMs: number; toMs: number },
  nowMs: number,
  lagDays: number,
): string[] {
  const latestMs = parseCopilotDayMs(latestCopilotDay(nowMs, lagDays));
  const firstMs = Math.floor(window.fromMs / DAY_MS) * DAY_MS;
  const days: string[] = [];
  for (let ms = firstMs; ms < window.toMs && ms <= latestMs; ms += DAY_MS) {
    days.push(toCopilotDay(ms));
  }
  return days;
}
