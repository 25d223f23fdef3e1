export { toEventId, type ActivityEvent, type CommitLoc, type WeeklyLoc } from './activity-event.js';
export {
  ACTIVITY_FIELDS,
  ACTIVITY_LABELS,
  ACTIVITY_METRICS,
  type ActivityField,
  type ActivityMetric,
  type UserActivity,
} from './activity-metrics.js';
export {
  ACTIVITY_WINDOW_MS,
  isInActivityWindow,
  isInRetention,
  lastCompleteWeek,
  type TimeRange,
} from './activity-window.js';
export {
  attributeCommit,
  createNoreplyEmailReader,
  toNoreplyDomain,
  UNLINKED_USER,
  type CommitAuthorship,
  type GitHubAccount,
  type NoreplyAddress,
  type NoreplyEmailReader,
} from './commit-attribution.js';
export {
  ACTIVITY_KINDS,
  isActivityKind,
  isScrapeResource,
  OPTIONAL_RESOURCES,
  SCRAPE_CATALOG,
  SCRAPE_RESOURCES,
  toActivityScope,
  toCountedField,
  type ActivityKind,
  type ActivityScope,
  type ScrapeCollector,
  type ScrapeResource,
  type ScrapeResourceEntry,
} from './scrape-catalog.js';
export {
  isBotLogin,
  tallyRepoActivity,
  toEmptyUserActivity,
  type TallyOptions,
} from './user-activity.js';
export {
  toUserIdOfKey,
  toUserKey,
  toUserLabel,
  type LoginSighting,
  type SeenLogin,
} from './user-identity.js';
