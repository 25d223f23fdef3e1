import {
  addCommit,
  addIssueComment,
  addReviewComment,
  addReview,
  addReviewInUpdateSecond,
  addReviews,
  forcePush,
  findRepo,
  deleteIssueComment,
  deleteReviewComment,
  mergePull,
  openPull,
  transferIssue,
  type AddCommitInput,
  type AddReviewsInput,
  type ForcePushInput,
  type ForcePushResult,
  type RepoRef,
} from '../dataset/index.js';
import { renameUser } from '../dataset/mutate-users.js';
import { removeRepo, renameRepo, setRepoArchived } from '../dataset/repo-lifecycle.js';
import {
  computeGroundTruth,
  type GroundTruthOptions,
  type GroundTruthSeries,
} from '../ground-truth.js';
import type {
  SimCommit,
  SimDataset,
  SimIssue,
  SimIssueComment,
  SimIssueTransfer,
  SimPull,
  SimReview,
  SimReviewComment,
  SimUser,
} from '../model.js';
import { ControlInputError, createFaultParser } from './control-input.js';
import type {
  AddIssueCommentInput,
  AddReviewCommentInput,
  AddReviewInput,
  OpenPullInput,
} from './event-input.js';
import type {
  ErrorBurstFault,
  FaultsSnapshot,
  GraphqlUnsupportedFault,
  FaultStore,
  LatencyFault,
  MalformedFault,
  OutageFault,
  PermissionFault,
  SecondaryLimitFault,
} from './faults.js';
import type { InstallationTokenStore } from './installation-tokens.js';
import type { RateLimitState } from './rate-limiter.js';
import type { RepoRedirects } from './repo-redirects.js';
import type { RequestCounters, SimCounters } from './request-counters.js';
import {
  toSimLimitsReport,
  type SimLimiters,
  type SimLimits,
  type SimLimitsReport,
} from './sim-limits.js';

/** A repo as the control API reports it after a change to the repo itself. */
export interface SimRepoSummary {
  readonly org: string;
  readonly id: number;
  readonly name: string;
  readonly archived: boolean;
}

/**
 * The control API in-process; the HTTP control API under `/_sim/` calls exactly these.
 * Fault inputs are validated (a `ControlInputError` names the problem); events go through
 * the dataset's mutation functions, so `updated_at`, ETags and the contributor-stats cache
 * move the way GitHub's do. `atMs` defaults to the simulator's clock.
 */
export interface SimControl {
  /** Delays matching requests by `ms` until faults are cleared (the slowest rule wins). */
  injectLatency(fault: LatencyFault): void;
  /** The next `count` matching requests answer `status` (500, 502 or 503). */
  injectErrors(fault: ErrorBurstFault): void;
  /** Every request of `org` (of every org when absent) answers 503 until faults are cleared. */
  startOutage(fault?: OutageFault): void;
  /** The next `count` matching requests hit a secondary limit (403/429 with `retry-after`). */
  injectSecondaryLimit(fault: SecondaryLimitFault): void;
  /** The next `count` matching requests answer 200 with a truncated JSON body. */
  injectMalformed(fault: MalformedFault): void;
  /** Matching requests answer 403 "Resource not accessible by integration" until cleared. */
  denyPermission(fault: PermissionFault): void;
  /** The org's `POST /graphql` answers 404 or refuses every query until cleared. */
  refuseGraphql(fault: GraphqlUnsupportedFault): void;
  clearFaults(): void;
  faults(): FaultsSnapshot;
  addCommit(ref: RepoRef, input: AddCommitInput, atMs?: number): SimCommit;
  openPull(ref: RepoRef, input: OpenPullInput, atMs?: number): SimPull;
  mergePull(ref: RepoRef, pullNumber: number, mergedBy: string, atMs?: number): SimPull;
  addReview(ref: RepoRef, pullNumber: number, input: AddReviewInput, atMs?: number): SimReview;
  /** Reviews enough to fill pages (oldest first, 100 a page), all submitted at `atMs`. */
  addReviews(ref: RepoRef, pullNumber: number, input: AddReviewsInput, atMs?: number): SimReview[];
  /** A review submitted in the second of the PR's last update: `updated_at` does not move. */
  addReviewInUpdateSecond(
    ref: RepoRef,
    pullNumber: number,
    input: Parameters<typeof addReviewInUpdateSecond>[3],
  ): SimReview;
  /** A force-push to the default branch: drops its newest commits, pushes others on top. */
  forcePush(ref: RepoRef, input: ForcePushInput, atMs?: number): ForcePushResult;
  addIssueComment(
    ref: RepoRef,
    issueNumber: number,
    input: AddIssueCommentInput,
    atMs?: number,
  ): SimIssueComment;
  addReviewComment(
    ref: RepoRef,
    pullNumber: number,
    input: AddReviewCommentInput,
    atMs?: number,
  ): SimReviewComment;
  /**
   * Renames the repo (same id, same history). From then on its old name answers `301` with a
   * `Location` on `/repositories/{id}/…`, as GitHub's does, until a repo takes the old name.
   */
  renameRepo(ref: RepoRef, newName: string, atMs?: number): SimRepoSummary;
  /** Deletes the repo: it leaves the installation's list, and its name and id answer `404`. */
  deleteRepo(ref: RepoRef): SimRepoSummary;
  /**
   * Transfers the repo to an owner outside the simulator: gone for this org's installation.
   * Its old name answers `301` to `/repositories/{id}/…`, which answers `404` to this org.
   */
  transferRepoOut(ref: RepoRef): SimRepoSummary;
  /** Archives the repo: read-only from then on (writes answer `409`), `archived: true` in lists. */
  archiveRepo(ref: RepoRef, atMs?: number): SimRepoSummary;
  unarchiveRepo(ref: RepoRef, atMs?: number): SimRepoSummary;
  /** Deletes a conversation comment: gone from every listing, its `GET` answers 404. */
  deleteIssueComment(ref: RepoRef, commentId: number): SimIssueComment;
  /** Deletes a PR review comment: gone from every listing, its `GET` answers 404. */
  deleteReviewComment(ref: RepoRef, commentId: number): SimReviewComment;
  /**
   * Transfers an issue with its comments to another repo of the org; `GET` of its old number
   * answers 301.
   */
  transferIssue(
    ref: RepoRef,
    issueNumber: number,
    toRepo: string,
    atMs?: number,
  ): { readonly issue: SimIssue; readonly transfer: SimIssueTransfer };
  /**
   * Renames a user (same id): from then on every payload shows `newLogin`, also on old
   * commits, PRs, reviews and comments; old commits keep their author emails, so a
   * `<id>+<login>@users.noreply…` address keeps the old login. The old login is free to take.
   */
  renameUser(login: string, newLogin: string): SimUser;
  /** Ends every installation token (of `org` only, when given): the hourly rotation, now. */
  expireTokens(org?: string): number;
  /** Sets what is left of an installation's primary limit in its current window. */
  setRateLimitRemaining(installationId: number, remaining: number): RateLimitState;
  /** The limits in force and every installation's windows, in-flight and peak concurrency. */
  limits(): SimLimitsReport;
  /**
   * Changes limits at runtime (any subset of `SimLimits`); open windows keep their usage and
   * are judged against the new values from the next request on. A bad value is a
   * `ControlInputError` naming the field, and nothing changes.
   */
  updateLimits(patch: Partial<SimLimits>): SimLimitsReport;
  /** Zeroes the request counters and the concurrency peaks (not the rate limits). */
  resetCounters(): void;
  /**
   * Closes every rate-limit window, primary and secondary, as if no request had been made:
   * a benchmark sets its world up unthrottled, then measures from fresh windows.
   */
  resetLimitWindows(): void;
  counters(): SimCounters;
  /** Every business metric of DESIGN.md §5 at `atMs`, computed from the dataset on its own. */
  groundTruth(atMs: number, options?: Omit<GroundTruthOptions, 'atMs'>): GroundTruthSeries[];
}

export interface SimControlDeps {
  readonly dataset: SimDataset;
  readonly now: () => number;
  readonly faults: FaultStore;
  readonly tokens: InstallationTokenStore;
  readonly limiters: SimLimiters;
  readonly counters: RequestCounters;
  /** Every `GET /template` key the simulator serves, to validate fault scopes. */
  readonly endpointKeys: readonly string[];
  readonly redirects: RepoRedirects;
}

export function createSimControl(deps: SimControlDeps): SimControl {
  const parse = createFaultParser(deps.endpointKeys);
  const { dataset } = deps;
  const summary = (ref: RepoRef, repo: { id: number; name: string; archived: boolean }) => ({
    org:
      dataset.orgs.find((o) => o.login.toLowerCase() === ref.org.toLowerCase())?.login ?? ref.org,
    id: repo.id,
    name: repo.name,
    archived: repo.archived,
  });
  const limitsReport = (): SimLimitsReport =>
    toSimLimitsReport(
      deps.limiters,
      dataset.orgs.map((org) => ({ installationId: org.installationId, org: org.login })),
      deps.now(),
    );
  return {
    injectLatency(fault) {
      deps.faults.addLatency(parse.latency(fault));
    },
    injectErrors(fault) {
      deps.faults.addErrorBurst(parse.errors(fault));
    },
    startOutage(fault) {
      deps.faults.startOutage(parse.outage(fault ?? {}));
    },
    injectSecondaryLimit(fault) {
      deps.faults.addSecondaryLimit(parse.secondaryLimit(fault));
    },
    injectMalformed(fault) {
      deps.faults.addMalformed(parse.malformed(fault));
    },
    denyPermission(fault) {
      deps.faults.denyPermission(parse.permission(fault));
    },
    refuseGraphql(fault) {
      deps.faults.refuseGraphql(parse.graphqlUnsupported(fault));
    },
    clearFaults() {
      deps.faults.clear();
    },
    faults: () => deps.faults.snapshot(),
    addCommit: (ref, input, atMs) => addCommit(dataset, ref, input, atMs ?? deps.now()),
    openPull: (ref, input, atMs) => openPull(dataset, ref, input, atMs ?? deps.now()),
    mergePull: (ref, pullNumber, mergedBy, atMs) =>
      mergePull(dataset, ref, pullNumber, mergedBy, atMs ?? deps.now()),
    addReview: (ref, pullNumber, input, atMs) =>
      addReview(dataset, ref, pullNumber, input, atMs ?? deps.now()),
    addReviews: (ref, pullNumber, input, atMs) =>
      addReviews(dataset, ref, pullNumber, input, atMs ?? deps.now()),
    addReviewInUpdateSecond: (ref, pullNumber, input) =>
      addReviewInUpdateSecond(dataset, ref, pullNumber, input),
    forcePush: (ref, input, atMs) => forcePush(dataset, ref, input, atMs ?? deps.now()),
    addIssueComment: (ref, issueNumber, input, atMs) =>
      addIssueComment(dataset, ref, issueNumber, input, atMs ?? deps.now()),
    addReviewComment: (ref, pullNumber, input, atMs) =>
      addReviewComment(dataset, ref, pullNumber, input, atMs ?? deps.now()),
    renameRepo(ref, newName, atMs) {
      const oldName = findRepo(dataset, ref).name;
      const repo = renameRepo(dataset, ref, newName, atMs ?? deps.now());
      deps.redirects.add(ref.org, oldName, repo.id);
      return summary(ref, repo);
    },
    deleteRepo: (ref) => summary(ref, removeRepo(dataset, ref)),
    transferRepoOut(ref) {
      const repo = removeRepo(dataset, ref);
      deps.redirects.add(ref.org, repo.name, repo.id);
      return summary(ref, repo);
    },
    archiveRepo: (ref, atMs) =>
      summary(ref, setRepoArchived(dataset, ref, true, atMs ?? deps.now())),
    unarchiveRepo: (ref, atMs) =>
      summary(ref, setRepoArchived(dataset, ref, false, atMs ?? deps.now())),
    deleteIssueComment: (ref, commentId) => deleteIssueComment(dataset, ref, commentId),
    deleteReviewComment: (ref, commentId) => deleteReviewComment(dataset, ref, commentId),
    transferIssue: (ref, issueNumber, toRepo, atMs) =>
      transferIssue(dataset, ref, issueNumber, toRepo, atMs ?? deps.now()),
    renameUser: (login, newLogin) => ({ ...renameUser(dataset, login, newLogin) }),
    expireTokens(org) {
      if (org !== undefined && !dataset.orgs.some((candidate) => candidate.login === org)) {
        throw new ControlInputError(`unknown org ${org}`);
      }
      return deps.tokens.expire(deps.now(), org);
    },
    setRateLimitRemaining(installationId, remaining) {
      if (!dataset.orgs.some((org) => org.installationId === installationId)) {
        throw new ControlInputError(`unknown installation ${installationId}`);
      }
      if (!Number.isInteger(remaining) || remaining < 0) {
        throw new ControlInputError(`remaining must be a non-negative integer; got ${remaining}`);
      }
      return deps.limiters.restPrimary.setRemaining(
        `installation:${installationId}`,
        remaining,
        deps.now(),
      );
    },
    limits: limitsReport,
    updateLimits(patch) {
      try {
        deps.limiters.update(patch);
      } catch (error) {
        if (error instanceof RangeError) throw new ControlInputError(error.message);
        throw error;
      }
      return limitsReport();
    },
    resetCounters() {
      deps.counters.reset();
      deps.limiters.concurrency.resetPeaks();
    },
    resetLimitWindows() {
      for (const limiter of [
        deps.limiters.restPrimary,
        deps.limiters.restSecondary,
        deps.limiters.graphqlPrimary,
        deps.limiters.graphqlSecondary,
      ]) {
        limiter.reset();
      }
    },
    counters: () =>
      deps.counters.snapshot((id) => deps.limiters.concurrency.peak(`installation:${id}`)),
    groundTruth: (atMs, options) => computeGroundTruth(dataset, { ...options, atMs }),
  };
}
