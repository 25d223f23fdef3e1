import {
  ACTIVITY_WINDOW_MS,
  SCRAPE_CATALOG,
  SCRAPE_RESOURCES,
  toActivityScope,
  type ScrapeResource,
} from '@gse/activity';
import type { RepoCheckpoints, RepoCheckpointStore } from '@gse/store';

import { RECONCILE_CHECKPOINTS } from './collect-comments.js';
import { isReconcileDue } from './comment-coverage.js';
import { cycleShare } from './cycle-share.js';

/** A quiet repo whose comment lists are read this cycle, and only those. */
export interface CommentReconcile {
  readonly name: string;
  readonly resources: readonly ScrapeResource[];
}

export interface CommentReconcilePlan {
  /** Of `quiet`: the repos to read, oldest reconcile first. */
  readonly reconcile: readonly CommentReconcile[];
  /** Of `quiet`: the others, still without a request this cycle. */
  readonly quiet: readonly string[];
}

export interface PlanCommentReconcilesRequest {
  readonly checkpoints: Pick<RepoCheckpointStore, 'readNumericCheckpoints'>;
  readonly org: string;
  /** The repos change detection found quiet, in its order. */
  readonly quiet: readonly string[];
  /** The resources the fleet reads (`ScrapeOptions.resources`); absent: the default ones. */
  readonly resources?: readonly ScrapeResource[] | undefined;
  /** Epoch ms. */
  readonly nowMs: number;
  /** `github.comment_reconcile_interval`. */
  readonly intervalMs: number;
  /** The org's `scrape_interval`: how many reconciles a cycle takes to spread them. */
  readonly cycleIntervalMs: number;
}

/** The comment lists of the scrape catalog, with the checkpoints that say when each is due. */
const COMMENT_LISTS = SCRAPE_RESOURCES.flatMap((resource) => {
  const entry = SCRAPE_CATALOG[resource];
  if (entry.collector !== 'comments') return [];
  const { checkpoint } = entry;
  return [{ resource, checkpoint, reconciledAt: RECONCILE_CHECKPOINTS[checkpoint].reconciledAt }];
});

/**
 * Which quiet repos get their comment lists reconciled this cycle: change detection cannot
 * see a deleted comment (GitHub moves no watched field; docs/github-limitations.md#what-the-repochanges-query-cannot-see),
 * so a quiet repo's list is read as a scrape would read it, once per
 * `github.comment_reconcile_interval` (`isReconcileDue`, spread by repo name), and only
 * while its ledger may hold comments of the 24 h window: their deletion moves the 24 h
 * gauges. A list whose newest `updated_at` is older holds none; a deletion there can move
 * only `last_event_unixtime` or a series' existence, and waits for the repo's daily reread
 * (`quiet_repo_reread_interval`), whose scrape reconciles every list: an hourly read of
 * every repo with a comment within retention would cost more than a quiet repo may
 * (docs/decisions/0017). At most twice the fair share a cycle (the due lists' repos times the cycle
 * over the interval), the longest unreconciled first, so a backlog (the first hour after
 * switching change detection on) spreads instead of landing in one cycle. One Redis round
 * trip; no request.
 */
export async function planCommentReconciles(
  request: PlanCommentReconcilesRequest,
): Promise<CommentReconcilePlan> {
  const read = request.resources ?? toActivityScope([]).resources;
  const lists = COMMENT_LISTS.filter(({ resource }) => read.includes(resource));
  if (lists.length === 0 || request.quiet.length === 0) {
    return { reconcile: [], quiet: request.quiet };
  }
  const states = await request.checkpoints.readNumericCheckpoints(
    request.org,
    request.quiet,
    lists.flatMap(({ checkpoint, reconciledAt }) => [checkpoint, reconciledAt]),
  );
  const windowStartMs = request.nowMs - ACTIVITY_WINDOW_MS;
  const holdingComments: { readonly repo: CommentReconcile; readonly dueSinceMs: number }[] = [];
  let withComments = 0;
  for (const name of request.quiet) {
    const state: RepoCheckpoints = states.get(name) ?? {};
    const retained = lists.filter(({ checkpoint }) => (state[checkpoint] ?? 0) > windowStartMs);
    if (retained.length > 0) withComments += 1;
    const due = retained.filter(({ reconciledAt }) =>
      isReconcileDue({
        reconciledAtMs: state[reconciledAt],
        nowMs: request.nowMs,
        intervalMs: request.intervalMs,
        repoKey: `${request.org}/${name}`,
      }),
    );
    if (due.length === 0) continue;
    holdingComments.push({
      repo: { name, resources: due.map(({ resource }) => resource) },
      dueSinceMs: Math.min(...due.map(({ reconciledAt }) => state[reconciledAt] ?? 0)),
    });
  }
  const cap = cycleShare(withComments, request.cycleIntervalMs, request.intervalMs);
  const reconcile = holdingComments
    .sort((a, b) => a.dueSinceMs - b.dueSinceMs)
    .slice(0, cap)
    .map(({ repo }) => repo);
  const reading = new Set(reconcile.map(({ name }) => name));
  return { reconcile, quiet: request.quiet.filter((name) => !reading.has(name)) };
}
