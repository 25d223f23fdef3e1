import type { SimCommitFile, SimReviewState } from '../model.js';
import type { GitPerson } from './git-person.js';
import type { IdSequence } from './id-sequence.js';

/** What a profile tells a `RepoBuilder`: times are epoch ms on whole seconds. */
export interface RepoSpec {
  /** Org login, used in merge commit messages. */
  readonly owner: string;
  readonly name: string;
  readonly createdMs: number;
  /** Default `main`. */
  readonly defaultBranch?: string;
  readonly private?: boolean;
  readonly fork?: boolean;
  readonly archived?: boolean;
  readonly disabled?: boolean;
  readonly statsReportZeroLines?: boolean;
}

export interface CommitSpec {
  readonly author: GitPerson;
  /** Default: the author (a local commit). */
  readonly committer?: GitPerson;
  readonly authorMs: number;
  /** Default: `authorMs`. Later than it for rebased or cherry-picked commits. */
  readonly committerMs?: number;
  /** Default: the repo's default branch; ignored when `pull` is set. */
  readonly branch?: string;
  readonly message?: string;
  readonly files?: readonly SimCommitFile[];
  /**
   * The PR whose head branch holds this commit. Once that PR is merged with a merge commit
   * the commit is reachable from the default branch, so it is put there (the model has no
   * push times: it counts from its committer date on).
   */
  readonly pull?: ThreadHandle;
}

export interface MergeSpec {
  readonly atMs: number;
  /** Login of who pressed merge. */
  readonly by: string;
  /**
   * `merge`: a merge commit authored by the merger, no lines of its own (the PR's commits
   * carry them). `squash`: one commit authored by the PR author carrying `files`.
   * Both are committed by `web-flow`, as merges made in GitHub's UI are.
   */
  readonly style: 'merge' | 'squash';
  readonly files?: readonly SimCommitFile[];
}

export interface PullSpec {
  readonly user: string;
  readonly title: string;
  readonly createdMs: number;
  readonly draft?: boolean;
  /** Closed without merging at this time. */
  readonly closedMs?: number;
  readonly merge?: MergeSpec;
}

export interface IssueSpec {
  readonly user: string;
  readonly title: string;
  readonly createdMs: number;
  readonly closedMs?: number;
}

export interface ReviewSpec {
  readonly user: string;
  readonly state: SimReviewState;
  /** Submission time; for a PENDING review, when it was started (it has no `submittedAt`). */
  readonly atMs: number;
  readonly body?: string;
}

export interface CommentSpec {
  readonly user: string;
  readonly createdMs: number;
  /** Later than `createdMs` when the comment was edited. Default: `createdMs`. */
  readonly updatedMs?: number;
  readonly body?: string;
}

/** Refers to a PR or issue added to a builder; its number is assigned at `build()`. */
export interface ThreadHandle {
  readonly key: number;
}

export interface BuildContext {
  readonly seed: number;
  readonly ids: IdSequence;
  /** The linked git identity of an account (merge commits are authored by the merger). */
  readonly personOf: (login: string) => GitPerson;
}
