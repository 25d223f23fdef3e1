export {
  createActivityStore,
  StoreConflictError,
  type ActivityStore,
  type ActivityStoreOptions,
  type RecordEventsResult,
  type RefreshSeriesResult,
} from './activity-store.js';
export { decodeUserActivity, encodeUserActivity } from './series-codec.js';
export {
  createStoreKeys,
  parseRepoId,
  toRepoId,
  type RepoRef,
  type StoreKeys,
} from './store-keys.js';
