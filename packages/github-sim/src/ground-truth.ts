import type { SimCommit, SimDataset, SimRepo } from './model.js';

/**
 * The value every business metric of DESIGN.md §5 must have at a given instant, counted
 * straight from the simulator's dataset. Written on its own, never with production code
 * (`packages/activity`), so a test that compares `/metrics` with it checks the product
 * against an independent reading of the contract.
 *
 * Rules, with t = `atMs`:
 * - Window `(t − 24h, t]`; retention `(t − retention, t]`. Events after t do not exist yet.
 * - Users are identified by id: every series is labelled with its account's current login
 *   (a rename rewrites the dataset's references, as GitHub shows the new login everywhere).
 * - `commits24h`: default-branch commits whose committer date is in the window, credited to
 *   the commit's `authorLogin`; else to the account of the id inside a
 *   `<id>+<login>@users.noreply.github.com` author email (its current login: a renamed
 *   user's old address still names the old one), or the login inside it when no account has
 *   that id, or inside a `<login>@users.noreply.github.com` email; else to `unlinked`. Never
 *   the committer's login (`web-flow` on UI merges), never an email or part of one.
 * - `prsOpened24h`: PRs created in the window (drafts included), by PR author.
 * - `prsMerged24h`: PRs whose `mergedAt` is in the window, by PR author (not the merger).
 * - `reviewsSubmitted24h`: reviews whose `submittedAt` is in the window, state ≠ PENDING
 *   (DISMISSED counts), by reviewer.
 * - `issueComments24h`: issue and PR conversation comments created in the window (an edit
 *   is not a new comment), by commenter.
 * - `prReviewComments24h`: PR review (diff) comments created in the window, by commenter —
 *   only with `optionalResources` naming `pr_review_comments`; otherwise 0, and review
 *   comments are no events at all (they neither create a series nor move its last event).
 * - `locAddedWeekly` / `locRemovedWeekly`: the last complete week before t,
 *   `[E − 7d, E)` with E = the latest Sunday 00:00 UTC ≤ t: the sum of the files' additions
 *   / deletions of default-branch commits that are not merges (one parent at most, as
 *   GitHub's statistics exclude merge commits; committed by t) whose git AUTHOR date is in that
 *   week, credited to `authorLogin` only (GitHub's `/stats/contributors` counts only commits
 *   linked to an account, so unlinked ones add no lines). The true value: also for repos
 *   with `statsReportZeroLines` and for contributors beyond GitHub's top 100.
 * - `lastEventUnixtime`: the latest epoch second of any event of the user in the repo within
 *   retention: commit (committer date), PR created, PR merged (credited to the PR author),
 *   review submitted (not PENDING), comment created (review comments when switched on).
 * - A series (org, repo, user) exists iff the user has at least one such event within
 *   retention; it then carries every value (0 when quiet). Lines alone create no series.
 * - Archived and disabled repos have no series (a fresh fleet never scrapes them), except a
 *   repo archived through the control API (`archivedAt`): a fleet saw it before, and keeps
 *   computing its series from what it read, so they are counted like any repo's (nothing
 *   can happen in it after the archival). A deleted or transferred repo is no longer in its
 *   org, so it has no series; a renamed one has its series under its new name.
 *   `excludeBots` drops logins ending in `[bot]`.
 * - Sorted by org, then repo, then user (plain code-unit order).
 */
export interface GroundTruthOptions {
  /** t, epoch ms. */
  atMs: number;
  /** Default 30 days. */
  retentionMs?: number;
  /** Default false: bots count like anyone. */
  excludeBots?: boolean;
  /** `github.optional_resources` of the fleet compared: `pr_review_comments`. Default none. */
  optionalResources?: readonly string[];
}

export interface GroundTruthSeries {
  org: string;
  repo: string;
  user: string;
  commits24h: number;
  prsOpened24h: number;
  prsMerged24h: number;
  reviewsSubmitted24h: number;
  issueComments24h: number;
  locAddedWeekly: number;
  locRemovedWeekly: number;
  prReviewComments24h: number;
  lastEventUnixtime: number;
}

const DAY_MS = 86_400_000;
const DEFAULT_RETENTION_MS = 30 * DAY_MS;
/** The `user` label of commits no login can be found for. */
export const UNLINKED_USER = 'unlinked';
/** `<id>+<login>@users.noreply.github.com` or `<login>@users.noreply.github.com`. */
const NOREPLY_EMAIL = /^(?:(\d+)\+)?([^@\s+]+)@users\.noreply\.github\.com$/i;

type Counter =
  | 'commits24h'
  | 'prsOpened24h'
  | 'prsMerged24h'
  | 'reviewsSubmitted24h'
  | 'issueComments24h'
  | 'prReviewComments24h';

/** Every series of every scraped repo at `options.atMs`; see the rules above. */
export function computeGroundTruth(
  dataset: SimDataset,
  options: GroundTruthOptions,
): GroundTruthSeries[] {
  const series: GroundTruthSeries[] = [];
  const loginById = new Map(dataset.users.map((user) => [user.id, user.login]));
  for (const org of dataset.orgs) {
    for (const repo of org.repos) {
      if (repo.disabled || (repo.archived && repo.archivedAt === undefined)) continue;
      series.push(...repoSeries(org.login, repo, loginById, options));
    }
  }
  return series.sort(
    (a, b) => compare(a.org, b.org) || compare(a.repo, b.repo) || compare(a.user, b.user),
  );
}

/**
 * The login a commit is credited to: its linked author; the current login of the id in a
 * noreply email (`loginById`: every account's current login), else the login written in
 * it; or `unlinked`.
 */
export function attributeCommit(
  commit: Pick<SimCommit, 'authorLogin' | 'author'>,
  loginById: ReadonlyMap<number, string> = new Map(),
): string {
  if (commit.authorLogin !== null) return commit.authorLogin;
  const noreply = NOREPLY_EMAIL.exec(commit.author.email);
  if (!noreply?.[2]) return UNLINKED_USER;
  return (noreply[1] === undefined ? undefined : loginById.get(Number(noreply[1]))) ?? noreply[2];
}

/** `[start, end)` of the last complete Sunday-to-Sunday UTC week at or before `atMs`. */
export function lastCompleteWeek(atMs: number): { startMs: number; endMs: number } {
  const day = Math.floor(atMs / DAY_MS);
  // 1970-01-01 (day 0) was a Thursday, so day d is (d + 4) mod 7 days after a Sunday.
  const daysSinceSunday = (((day + 4) % 7) + 7) % 7;
  const endMs = (day - daysSinceSunday) * DAY_MS;
  return { startMs: endMs - 7 * DAY_MS, endMs };
}

function repoSeries(
  org: string,
  repo: SimRepo,
  loginById: ReadonlyMap<number, string>,
  options: GroundTruthOptions,
): GroundTruthSeries[] {
  const t = options.atMs;
  const windowStartMs = t - DAY_MS;
  const retentionStartMs = t - (options.retentionMs ?? DEFAULT_RETENTION_MS);
  const isCounted = (login: string): boolean =>
    !(options.excludeBots === true && login.endsWith('[bot]'));
  const byUser = new Map<string, GroundTruthSeries>();
  const record = (login: string, iso: string | null, counter: Counter): void => {
    if (iso === null || !isCounted(login)) return;
    const ms = Date.parse(iso);
    if (ms > t || ms <= retentionStartMs) return;
    const entry = byUser.get(login) ?? emptySeries(org, repo.name, login);
    byUser.set(login, entry);
    entry.lastEventUnixtime = Math.max(entry.lastEventUnixtime, Math.floor(ms / 1000));
    if (ms > windowStartMs) entry[counter] += 1;
  };
  const week = lastCompleteWeek(t);
  const lines = new Map<string, { added: number; removed: number }>();
  for (const commit of repo.commits) {
    if (commit.branch !== repo.defaultBranch) continue;
    record(attributeCommit(commit, loginById), commit.committer.date, 'commits24h');
    const authoredMs = Date.parse(commit.author.date);
    const login = commit.authorLogin;
    if (login === null || commit.parents.length > 1 || Date.parse(commit.committer.date) > t)
      continue;
    if (authoredMs < week.startMs || authoredMs >= week.endMs) continue;
    const total = lines.get(login) ?? { added: 0, removed: 0 };
    for (const file of commit.files) {
      total.added += file.additions;
      total.removed += file.deletions;
    }
    lines.set(login, total);
  }
  for (const pull of repo.pulls) {
    record(pull.user, pull.createdAt, 'prsOpened24h');
    record(pull.user, pull.mergedAt, 'prsMerged24h');
    for (const review of pull.reviews) {
      if (review.state !== 'PENDING')
        record(review.user, review.submittedAt, 'reviewsSubmitted24h');
    }
  }
  for (const comment of repo.comments) record(comment.user, comment.createdAt, 'issueComments24h');
  if (options.optionalResources?.includes('pr_review_comments') === true) {
    for (const comment of repo.reviewComments) {
      record(comment.user, comment.createdAt, 'prReviewComments24h');
    }
  }
  for (const [login, entry] of byUser) {
    const total = lines.get(login);
    entry.locAddedWeekly = total?.added ?? 0;
    entry.locRemovedWeekly = total?.removed ?? 0;
  }
  return [...byUser.values()];
}

function emptySeries(org: string, repo: string, user: string): GroundTruthSeries {
  return {
    org,
    repo,
    user,
    commits24h: 0,
    prsOpened24h: 0,
    prsMerged24h: 0,
    reviewsSubmitted24h: 0,
    issueComments24h: 0,
    locAddedWeekly: 0,
    locRemovedWeekly: 0,
    prReviewComments24h: 0,
    lastEventUnixtime: 0,
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
