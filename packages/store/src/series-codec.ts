import {
  ACTIVITY_FIELDS,
  toEmptyUserActivity,
  type ActivityField,
  type UserActivity,
} from '@gse/activity';

/**
 * The version of the series codec this code writes: a series value in Redis is
 * `v2;<field>=<value>,<field>=<value>,…`, every value named by its `ACTIVITY_METRICS` field.
 * Named, so a family added to (or removed from) the catalog never shifts the others: a field
 * the value lacks reads 0 until the repo's next refresh writes it, a field this code does not
 * know (written by a newer replica during a rollout) is skipped.
 */
export const SERIES_CODEC_VERSION = 2;

const V2_PREFIX = `v${SERIES_CODEC_VERSION};`;

/**
 * Version 1, the codec before fields had names: eight values, comma-separated, in the order
 * `ACTIVITY_METRICS` had then. Frozen here on purpose (never derived from today's catalog),
 * because it describes data already in Redis. Still read: every refresh rewrites a repo's
 * series as version 2, but archived repos are not refreshed and keep version 1 until
 * retention removes them, so this reader stays at least `store.retention` after an upgrade.
 */
const V1_FIELDS = [
  'commits24h',
  'prsOpened24h',
  'prsMerged24h',
  'reviewsSubmitted24h',
  'issueComments24h',
  'locAddedWeekly',
  'locRemovedWeekly',
  'lastEventUnixtime',
] as const satisfies readonly ActivityField[];

const COLUMN_OF: ReadonlyMap<string, number> = new Map(
  ACTIVITY_FIELDS.map((field, column) => [field, column]),
);
const V1_COLUMNS = V1_FIELDS.map((field) => COLUMN_OF.get(field) ?? -1);

/**
 * A series as stored in Redis (codec version {@link SERIES_CODEC_VERSION}). Zeros are left
 * out, since an absent field reads 0 anyway: most series of a quiet repo have one or two
 * values that are not, so a series takes ~60 bytes instead of ~150.
 */
export function encodeUserActivity(activity: UserActivity): string {
  let encoded = V2_PREFIX;
  for (const field of ACTIVITY_FIELDS) {
    const value = activity[field];
    if (value !== 0) encoded += `${encoded === V2_PREFIX ? '' : ','}${field}=${value}`;
  }
  return encoded;
}

/** @throws TypeError when the stored value is neither codec version 2 nor 1. */
export function decodeUserActivity(encoded: string): UserActivity {
  const values = new Float64Array(ACTIVITY_FIELDS.length);
  if (!decodeSeriesInto(encoded, values, 0)) {
    throw new TypeError(`corrupt series value in Redis: ${JSON.stringify(encoded)}`);
  }
  const activity = toEmptyUserActivity();
  ACTIVITY_FIELDS.forEach((field, column) => {
    activity[field] = values[column] ?? 0;
  });
  return activity;
}

/**
 * Decodes one stored series (either version) into `target[offset … offset + fields)`, one
 * column per `ACTIVITY_FIELDS` entry, without allocating per value: the gateway decodes a
 * million of these per read pass. False when it is corrupt: a value that is not a finite
 * number, a pair without `=`, an unknown version, or a version-1 value without exactly eight
 * numbers.
 */
export function decodeSeriesInto(stored: string, target: Float64Array, offset: number): boolean {
  return stored.startsWith(V2_PREFIX)
    ? decodeNamed(stored, target, offset)
    : decodePositionalV1(stored, target, offset);
}

function decodeNamed(stored: string, target: Float64Array, offset: number): boolean {
  target.fill(0, offset, offset + ACTIVITY_FIELDS.length);
  let from = V2_PREFIX.length;
  while (from < stored.length) {
    const equals = stored.indexOf('=', from);
    if (equals <= from) return false;
    const column = COLUMN_OF.get(stored.slice(from, equals));
    const comma = stored.indexOf(',', equals);
    const to = comma < 0 ? stored.length : comma;
    const value = toNumber(stored, equals + 1, to);
    if (value === undefined) return false;
    if (column !== undefined) target[offset + column] = value;
    from = to + 1;
  }
  return true;
}

/** The number at `stored[from, to)`; whole numbers without allocating. Undefined if not finite. */
function toNumber(stored: string, from: number, to: number): number | undefined {
  // `Number('')` is 0: an empty value must not pass as one.
  if (to <= from) return undefined;
  let whole = 0;
  for (let index = from; index < to; index++) {
    const digit = stored.charCodeAt(index) - 48;
    if (digit < 0 || digit > 9 || index - from > 14) {
      const value = Number(stored.slice(from, to));
      return Number.isFinite(value) ? value : undefined;
    }
    whole = whole * 10 + digit;
  }
  return whole;
}

/**
 * A missing value leaves a column without its comma, an extra one lands inside the last
 * token: both read as not a number.
 */
function decodePositionalV1(stored: string, target: Float64Array, offset: number): boolean {
  target.fill(0, offset, offset + ACTIVITY_FIELDS.length);
  let from = 0;
  for (const [index, column] of V1_COLUMNS.entries()) {
    const to = index === V1_COLUMNS.length - 1 ? stored.length : stored.indexOf(',', from);
    if (to <= from) return false;
    const value = Number(stored.slice(from, to));
    if (!Number.isFinite(value)) return false;
    if (column >= 0) target[offset + column] = value;
    from = to + 1;
  }
  return true;
}
