import { ACTIVITY_METRICS, type UserActivity } from '@gse/activity';

/**
 * A series as stored in Redis: the eight values comma-separated in `ACTIVITY_METRICS` order
 * (compact, and cheap for the gateway to split).
 */
export function encodeUserActivity(activity: UserActivity): string {
  return ACTIVITY_METRICS.map((metric) => String(activity[metric.field])).join(',');
}

export function decodeUserActivity(encoded: string): UserActivity {
  const values = encoded.split(',').map(Number);
  if (
    values.length !== ACTIVITY_METRICS.length ||
    values.some((value) => !Number.isFinite(value))
  ) {
    throw new TypeError(`corrupt series value in Redis: ${JSON.stringify(encoded)}`);
  }
  const activity = {} as UserActivity;
  ACTIVITY_METRICS.forEach((metric, index) => {
    activity[metric.field] = values[index] ?? 0;
  });
  return activity;
}
