import { validationFailed, type ApiResult } from './github-errors.js';

/**
 * Reads an enumerated query parameter: its default when absent, a 422 naming the allowed
 * values when it is not one of them (the simulator is stricter than GitHub here on purpose:
 * a typo in a client's parameter should fail its tests, not be silently ignored).
 */
export function readEnum<T extends string>(
  query: URLSearchParams,
  name: string,
  allowed: readonly T[],
  fallback: T,
): T | ApiResult {
  const raw = query.get(name);
  if (raw === null || raw === '') return fallback;
  const found = allowed.find((value) => value === raw);
  return (
    found ?? validationFailed(name, `${name} must be one of ${allowed.join(', ')}; got ${raw}`)
  );
}

/** Reads an ISO-8601 timestamp parameter as epoch ms; absent → undefined; malformed → 422. */
export function readTimestamp(
  query: URLSearchParams,
  name: string,
): number | undefined | ApiResult {
  const raw = query.get(name);
  if (raw === null || raw === '') return undefined;
  const ms = Date.parse(raw);
  if (Number.isNaN(ms))
    return validationFailed(name, `${name} must be an ISO 8601 timestamp; got ${raw}`);
  return ms;
}

/** Compares two model ISO timestamps (all UTC, whole seconds) by the instant they name. */
export function compareIso(a: string, b: string): number {
  return Date.parse(a) - Date.parse(b);
}
