/**
 * A sample value as both formats read it: the shortest round-tripping decimal (JavaScript's
 * `String(number)`, e.g. `3`, `0.25`, `1.5e-7`, which Go's `ParseFloat` reads back exactly),
 * and `NaN`, `+Inf`, `-Inf` for the non-finite values.
 */
export function formatSampleValue(value: number): string {
  if (Number.isFinite(value)) return String(value);
  if (Number.isNaN(value)) return 'NaN';
  return value > 0 ? '+Inf' : '-Inf';
}
