/**
 * Parses a `retry-after` header: delay-seconds (`120`) or an HTTP-date
 * (`Wed, 21 Oct 2026 07:28:00 GMT`), as RFC 9110 §10.2.3 allows both.
 *
 * @returns milliseconds to wait from `nowMs` (0 for a date in the past), or `undefined` when
 *   the header is absent or is neither form.
 */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // An HTTP-date always names a weekday or month; without the letters check `Date.parse`
  // would also accept `1.5` or `-3` as dates.
  if (!/[a-z]/i.test(trimmed)) return undefined;
  const atMs = Date.parse(trimmed);
  if (Number.isNaN(atMs)) return undefined;
  return Math.max(0, atMs - nowMs);
}
