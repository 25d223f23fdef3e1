const UNIT_MS = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
} as const;

type DurationUnit = keyof typeof UNIT_MS;

// `ms` must come before `m` so "500ms" is not read as 500 minutes followed by "s".
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/gy;
const WHOLE = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d|w))+$/;

/** What a duration may look like; used in error messages and the generated docs. */
export const DURATION_SYNTAX =
  'a number with a unit ms, s, m, h, d or w (e.g. 500ms, 30s, 5m, 24h, 7d, 2w; parts may be combined: 1h30m)';

/** The outcome of {@link tryParseDurationMs}: milliseconds, or why the text is not a duration. */
export type DurationParseResult =
  { readonly ok: true; readonly ms: number } | { readonly ok: false; readonly reason: string };

/**
 * Reads a config duration into whole milliseconds without throwing.
 *
 * Accepts `500ms 30s 5m 24h 7d 2w`, decimals (`1.5h`) and Go-style combinations (`1h30m`),
 * so durations from the Go exporter's YAML carry over; `"0"` and the number `0` are zero.
 * Rejects negatives, bare numbers other than 0 (a unit is never guessed), spaces and
 * words (`5 minutes`), sub-millisecond results and values beyond `Number.MAX_SAFE_INTEGER`.
 */
export function tryParseDurationMs(value: unknown): DurationParseResult {
  if (value === 0 || value === '0') return { ok: true, ms: 0 };
  if (typeof value === 'number') {
    return { ok: false, reason: 'a bare number has no unit; write e.g. 30s or 5m' };
  }
  if (typeof value !== 'string') return { ok: false, reason: 'must be a string such as 30s' };
  if (value.startsWith('-')) return { ok: false, reason: 'must not be negative' };
  if (!WHOLE.test(value)) return { ok: false, reason: `must be ${DURATION_SYNTAX}` };
  let exactMs = 0;
  PART.lastIndex = 0;
  for (let match = PART.exec(value); match !== null; match = PART.exec(value)) {
    const [, amount, unit] = match;
    exactMs += Number(amount) * UNIT_MS[unit as DurationUnit];
  }
  if (!(exactMs <= Number.MAX_SAFE_INTEGER)) return { ok: false, reason: 'is too large' };
  const ms = Math.round(exactMs);
  // Decimal parts carry binary floating-point noise (1.1s is 1100.0000000000002 ms), so only
  // a remainder larger than that noise means the text asked for a fraction of a millisecond.
  if (Math.abs(exactMs - ms) > Math.max(1e-6, exactMs * 1e-12)) {
    return { ok: false, reason: 'must be a whole number of milliseconds' };
  }
  return { ok: true, ms };
}

/**
 * Reads a config duration (`500ms 30s 5m 24h 7d 2w`, see {@link tryParseDurationMs}) into
 * milliseconds. Throws an `Error` saying what is allowed when the text is not a duration.
 */
export function parseDurationMs(value: unknown): number {
  const result = tryParseDurationMs(value);
  if (!result.ok) throw new Error(`invalid duration: ${result.reason}`);
  return result.ms;
}
