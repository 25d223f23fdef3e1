export {
  ACTIVITY_KINDS,
  toEventId,
  type ActivityEvent,
  type ActivityKind,
  type CommitLoc,
  type WeeklyLoc,
} from './activity-event.js';
export { ACTIVITY_LABELS, ACTIVITY_METRICS, type ActivityMetric } from './activity-metrics.js';
export {
  ACTIVITY_WINDOW_MS,
  isInActivityWindow,
  isInRetention,
  lastCompleteWeek,
  type TimeRange,
} from './activity-window.js';
export { attributeCommit, UNLINKED_USER, type CommitAuthorship } from './commit-attribution.js';
export { tallyRepoActivity, type TallyOptions, type UserActivity } from './user-activity.js';
