/**
 * The simulator's world: the state every endpoint reads and every control-API call mutates.
 * Timestamps are ISO-8601 UTC strings (`2026-11-28T13:00:00Z`), as GitHub sends them.
 * The generator (`dataset/`) builds it, the server (`server/`) serves it, and the ground
 * truth (`ground-truth.ts`) counts it — each on its own, never through production code.
 */

/**
 * A GitHub account. Bots have a login ending in `[bot]` and `type: 'Bot'`. Content refers
 * to accounts by login, so a rename (`renameUser`) rewrites the login here and everywhere
 * it is referred to; the id stays.
 */
export interface SimUser {
  login: string;
  readonly id: number;
  readonly type: 'User' | 'Bot';
}

/** A git identity as it appears inside a commit (`commit.author` / `commit.committer`). */
export interface SimGitIdentity {
  readonly name: string;
  readonly email: string;
  /** ISO timestamp. */
  readonly date: string;
}

export interface SimCommitFile {
  readonly filename: string;
  readonly status: 'added' | 'modified' | 'removed' | 'renamed';
  readonly additions: number;
  readonly deletions: number;
}

export interface SimCommit {
  readonly sha: string;
  readonly message: string;
  /** The branch this commit is reachable from; only `repo.defaultBranch` commits count. */
  readonly branch: string;
  readonly parents: readonly string[];
  /** Git author; `author.date` may be earlier than the committer date (rebases, cherry-picks). */
  readonly author: SimGitIdentity;
  /** Git committer; `committer.date` is the "committer date" of DESIGN.md §5. */
  readonly committer: SimGitIdentity;
  /** GitHub account linked to the author, or null (unlinked email, deleted account). */
  authorLogin: string | null;
  /** GitHub account linked to the committer (`web-flow` for UI merges), or null. */
  committerLogin: string | null;
  readonly files: readonly SimCommitFile[];
}

export type SimReviewState =
  'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED' | 'PENDING';

export interface SimReview {
  readonly id: number;
  user: string;
  readonly state: SimReviewState;
  /** ISO timestamp; null only while PENDING (GitHub omits `submitted_at` then). */
  readonly submittedAt: string | null;
  readonly body: string;
  readonly commitId: string;
}

export interface SimPull {
  readonly number: number;
  readonly title: string;
  /** PR author login. */
  user: string;
  readonly draft: boolean;
  readonly state: 'open' | 'closed';
  readonly createdAt: string;
  /** Moves forward on any change: new review, new comment, merge, close, edit. */
  updatedAt: string;
  readonly closedAt: string | null;
  readonly mergedAt: string | null;
  /** Who pressed merge (not who gets the credit: that is `user`). */
  mergedBy: string | null;
  readonly headRef: string;
  readonly baseRef: string;
  readonly reviews: SimReview[];
}

/** A plain issue (not a PR); issues and PRs share one number sequence per repo. */
export interface SimIssue {
  readonly number: number;
  readonly title: string;
  user: string;
  readonly state: 'open' | 'closed';
  readonly createdAt: string;
  updatedAt: string;
}

/** A conversation comment on an issue or a PR (never a review comment on a diff line). */
export interface SimIssueComment {
  readonly id: number;
  /** Number of the issue or PR it belongs to. */
  readonly issueNumber: number;
  user: string;
  readonly body: string;
  readonly createdAt: string;
  updatedAt: string;
}

/** A review comment on a line of a PR's diff (not a conversation comment). */
export interface SimReviewComment {
  readonly id: number;
  readonly pullNumber: number;
  user: string;
  readonly body: string;
  /** The file the comment is on. */
  readonly path: string;
  readonly createdAt: string;
  updatedAt: string;
}

/** An issue transferred away: `GET` of its old number answers 301 to where it went. */
export interface SimIssueTransfer {
  readonly fromNumber: number;
  readonly toRepoId: number;
  readonly toNumber: number;
}

export interface SimRepo {
  /** GitHub's repository id: never changes, also across renames. */
  readonly id: number;
  /** Changes on a rename (`renameRepo`); the id stays. */
  name: string;
  readonly defaultBranch: string;
  readonly private: boolean;
  readonly fork: boolean;
  /** Changes when the control API archives or unarchives the repo. */
  archived: boolean;
  readonly disabled: boolean;
  /**
   * ISO timestamp the control API archived the repo at; absent for a repo generated
   * archived (archived before any fleet could see it) or not archived.
   */
  archivedAt?: string;
  readonly createdAt: string;
  updatedAt: string;
  pushedAt: string;
  /** Newest first by committer date. Empty array = empty repository (409 on /commits). */
  readonly commits: SimCommit[];
  /** Newest first by creation. */
  readonly pulls: SimPull[];
  readonly issues: SimIssue[];
  /** Oldest first by creation, as GitHub lists them by default. */
  readonly comments: SimIssueComment[];
  /** PR review comments, oldest first by creation. */
  readonly reviewComments: SimReviewComment[];
  /**
   * GitHub reports zero additions/deletions from `/stats/contributors` for repositories with
   * 10,000+ commits. The generator sets this for its stand-in of such a repo so the case can
   * be tested without generating 10,000 commits; the server honours it.
   */
  readonly statsReportZeroLines: boolean;
  /** Issues transferred to another repo at run time (the control API); absent: none. */
  transferredIssues?: SimIssueTransfer[];
}

export interface SimOrg {
  readonly login: string;
  readonly id: number;
  /** The GitHub App installed on this org (one App per org, as the product expects). */
  readonly appId: number;
  readonly installationId: number;
  readonly repos: SimRepo[];
}

/** A GitHub App: the simulator verifies app JWTs against `publicKeyPem`. */
export interface SimApp {
  readonly appId: number;
  readonly slug: string;
  /** PKCS#1 or PKCS#8 PEM, as GitHub hands out (PKCS#1). */
  readonly privateKeyPem: string;
  readonly publicKeyPem: string;
}

export interface SimDataset {
  readonly seed: number;
  /** The instant the generated history ends at (epoch ms); events lie before it. */
  readonly generatedAtMs: number;
  readonly users: SimUser[];
  readonly apps: SimApp[];
  readonly orgs: SimOrg[];
  /** Next id for reviews, comments, repos and users created at run time; unique dataset-wide. */
  nextId: number;
}
