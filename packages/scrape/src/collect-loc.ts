import { lastCompleteWeek, SCRAPE_CATALOG, toUserKey } from '@gse/activity';
import { decodeContributorStats, toWeeklyLoc, type ContributorStats } from '@gse/github';
import type { RepoCheckpoints } from '@gse/store';

import { collectCommitLoc } from './collect-commit-loc.js';
import {
  repoParams,
  type CollectorContext,
  type CollectorResult,
  type LocTruncation,
} from './scrape-context.js';

const STATS_ROUTE = SCRAPE_CATALOG.loc.endpoints.stats;
/** `/stats/contributors` lists at most this many contributors. */
const STATS_CONTRIBUTOR_CAP = 100;

/** GitHub was still computing the repo's statistics after every poll (HTTP 202). */
export class StatsNotReadyError extends Error {
  constructor(readonly attempts: number) {
    super(`GET ${STATS_ROUTE.slice(4)} still answered 202 (computing) after ${attempts} polls`);
    this.name = 'StatsNotReadyError';
  }
}

/** The checkpoints {@link isLocDue} reads. */
export type LocDueCheckpoints = Pick<
  RepoCheckpoints,
  'locRefreshedAtMs' | 'locRetryAtMs' | 'commitsRewrittenAtMs'
>;

/**
 * Whether a repo's LOC is due at `nowMs`, the one rule the scrape and change detection
 * apply: never read, older than `loc.refresh_interval`, read before the last complete week
 * ended (so that week's numbers are final), read before a force-push rewrote the default
 * branch (`commitsRewrittenAtMs`: the statistics follow the new history), or left truncated
 * by a spent fallback budget that has renewed since (`locRetryAtMs`; before it, a retry
 * would only spend requests on the stats and commit list to be refused again).
 */
export function isLocDue(
  checkpoints: LocDueCheckpoints,
  nowMs: number,
  refreshIntervalMs: number,
): boolean {
  const {
    locRefreshedAtMs: refreshedAtMs,
    locRetryAtMs: retryAtMs = 0,
    commitsRewrittenAtMs: rewrittenAtMs = 0,
  } = checkpoints;
  if (refreshedAtMs === undefined) return true;
  return (
    nowMs - refreshedAtMs >= refreshIntervalMs ||
    refreshedAtMs < lastCompleteWeek(nowMs).endMs ||
    rewrittenAtMs > refreshedAtMs ||
    (retryAtMs > 0 && nowMs >= retryAtMs)
  );
}

/** Whether a scrape refreshes LOC: a backfill window always, otherwise when {@link isLocDue}. */
export function isLocRefreshDue(context: CollectorContext): boolean {
  return (
    context.window !== undefined ||
    isLocDue(context.checkpoints, context.nowMs, context.options.loc.refreshIntervalMs)
  );
}

/**
 * Weekly LOC for the last complete week (and the current one) from `/stats/contributors`,
 * completed by the per-commit fallback where GitHub's numbers are cut (top 100) or zeroed
 * (10,000+ commits: after `loc.large_repo_zero_detection_windows` such answers in a row the
 * repo reads only commit details for `loc.large_repo_cooldown`). `202` means GitHub is
 * computing: polled with doubling waits, then reported missing; `204` is an empty repo
 * (docs/github-limitations.md#stats-contributors-answers-202-while-it-computes).
 * The stats are never asked conditionally: the fallback needs the contributor list itself.
 */
export async function collectLoc(context: CollectorContext): Promise<CollectorResult> {
  const { loc } = context.options;
  const fallbackUntilMs = context.checkpoints.locFallbackUntilMs ?? 0;
  if (loc.fallbackEnabled && fallbackUntilMs > context.nowMs) {
    return refreshed(context, {}, await collectCommitLoc(context, new Set()));
  }
  const stats = await pollContributorStats(context);
  if (stats === undefined) return refreshed(context, {}, undefined);
  const week = lastCompleteWeek(context.nowMs);
  const noLines = reportsNoLines(stats);
  // An answer without a single line (10,000+ commits) says nothing about lines: stored as
  // an empty snapshot, so the fallback's per-commit lines count for everyone.
  await context.store.replaceWeeklyLoc(
    context.ref,
    week.startMs,
    noLines ? [] : toWeeklyLoc(stats, week.startMs),
  );
  const checkpoints = nextZeroLineCheckpoints(context, noLines);
  let truncation: LocTruncation | undefined;
  if (loc.fallbackEnabled) {
    if ((checkpoints.locFallbackUntilMs ?? 0) > context.nowMs) {
      truncation = await collectCommitLoc(context, new Set());
    } else if (stats.length >= STATS_CONTRIBUTOR_CAP) {
      const covered = stats.flatMap((contributor) =>
        contributor.author ? toUserKey(contributor.author) : [],
      );
      truncation = await collectCommitLoc(context, new Set(covered));
    }
  }
  return refreshed(context, checkpoints, truncation);
}

/** A refresh that ran to its end: dated, and retried at the budget's renewal if truncated. */
function refreshed(
  context: CollectorContext,
  checkpoints: RepoCheckpoints,
  truncation: LocTruncation | undefined,
): CollectorResult {
  return {
    added: 0,
    duplicates: 0,
    checkpoints: {
      ...checkpoints,
      locRefreshedAtMs: context.nowMs,
      locRetryAtMs: truncation?.retryAtMs ?? 0,
    },
    ...(truncation ? { locTruncation: truncation } : {}),
  };
}

/** The stats, `undefined` for an empty repository (204); throws while GitHub keeps computing. */
async function pollContributorStats(
  context: CollectorContext,
): Promise<ContributorStats | undefined> {
  const attempts = context.options.loc.statsPollAttempts;
  let delayMs = context.options.loc.statsPollInitialDelayMs;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const answer = await context.client.getJson(
      STATS_ROUTE,
      repoParams(context),
      decodeContributorStats,
    );
    if (answer.status === 200) return answer.data;
    if (answer.status === 204) return undefined;
    if (attempt < attempts) await context.sleep(delayMs, context.signal);
    delayMs *= 2;
  }
  throw new StatsNotReadyError(attempts);
}

/** Whether the stats count commits but not one line (docs/github-limitations.md). */
function reportsNoLines(stats: ContributorStats): boolean {
  const weeks = stats.flatMap((contributor) => contributor.weeks);
  return weeks.some((week) => week.c > 0) && weeks.every((week) => week.a === 0 && week.d === 0);
}

/** Counts stats answers with commits but not one line; enough in a row start the cooldown. */
function nextZeroLineCheckpoints(context: CollectorContext, noLines: boolean): RepoCheckpoints {
  if (!noLines) return { locZeroLineRefreshes: 0 };
  const refreshes = (context.checkpoints.locZeroLineRefreshes ?? 0) + 1;
  return refreshes >= context.options.loc.zeroDetectionRefreshes
    ? {
        locZeroLineRefreshes: 0,
        locFallbackUntilMs: context.nowMs + context.options.loc.largeRepoCooldownMs,
      }
    : { locZeroLineRefreshes: refreshes };
}
