export { generateAppKeyPair } from './app-keys.js';
export type { AppKeyPair } from './app-keys.js';
export type { BenchOptions } from './bench-profile.js';
export { listDatasetViolations } from './dataset-invariants.js';
export { generateDataset } from './generate-dataset.js';
export type { DatasetOptions } from './generate-dataset.js';
export {
  addCommit,
  addIssueComment,
  addReviewComment,
  addReview,
  findRepo,
  mergePull,
  openPull,
} from './mutate-dataset.js';
export type { AddCommitInput, RepoRef } from './mutate-dataset.js';
export { deleteIssueComment, deleteReviewComment, transferIssue } from './mutate-comments.js';
export { renameUser } from './mutate-users.js';
export { SimConflictError, SimNotFoundError } from './sim-errors.js';
export {
  ACME_PEOPLE,
  COMMUNITY_CONTRIBUTORS,
  EDGE_PEOPLE,
  GLOBEX_PEOPLE,
  STANDARD_BOTS,
} from './standard-people.js';
export { STANDARD_ORGS } from './standard-profile.js';
export { addReviewInUpdateSecond, addReviews, forcePush } from './mutate-history.js';
export type { AddReviewsInput, ForcePushInput, ForcePushResult } from './mutate-history.js';
