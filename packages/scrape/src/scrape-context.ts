import type { NoreplyEmailReader, ScrapeResource } from '@gse/activity';
import type { GitHubClient } from '@gse/github';
import type { Sleep } from '@gse/github';
import type {
  ActivityStore,
  LocBudgetDecision,
  LocFallbackBudget,
  RepoCheckpoints,
  RepoRef,
} from '@gse/store';

/** A time range to re-read, `[fromMs, toMs]` in epoch ms. */
export interface ScrapeWindow {
  readonly fromMs: number;
  readonly toMs: number;
}

/** The LOC options of `loc.*`. */
export interface LocOptions {
  /** `loc.refresh_interval`: `/stats/contributors` at most this often per repo. */
  readonly refreshIntervalMs: number;
  /** How often to ask again while GitHub answers `202` (computing). */
  readonly statsPollAttempts: number;
  /** First wait between those polls; doubles each time. */
  readonly statsPollInitialDelayMs: number;
  /** `loc.fallback_enabled`: per-commit details where the stats are cut or zeroed. */
  readonly fallbackEnabled: boolean;
  /** `loc.large_repo_zero_detection_windows`: zero-line stats answers in a row before the fallback. */
  readonly zeroDetectionRefreshes: number;
  /** `loc.large_repo_cooldown`: how long such a repo then reads commit details only. */
  readonly largeRepoCooldownMs: number;
}

export interface ScrapeOptions {
  /** `store.retention`: how far back a first scrape reads (with its history). */
  readonly retentionMs: number;
  /**
   * `backfill.history_in_background` (with `backfill.enabled`): a repo's first read reads
   * only the last 24 h and reports the rest as `history` for the backfill worker. Default
   * false: the first read reads back to retention itself.
   */
  readonly historyInBackground?: boolean;
  /**
   * `backfill.history_in_background_min_repos`: with `historyInBackground`, the fewest repos
   * an org scrapes for its first reads to leave history to the backfill worker (default 0).
   */
  readonly historyInBackgroundMinRepos?: number;
  /**
   * `github.comment_reconcile_interval`: each repo's comment lists are proven equal to the
   * ledger back to retention at least this often (deleted comments leave the counts).
   */
  readonly commentReconcileIntervalMs: number;
  readonly loc: LocOptions;
  /**
   * The noreply email domain of the fleet's GitHub (`toNoreplyDomain(github.api_base_url)`):
   * commits without a linked account count for the account a noreply address of this domain
   * names; any other address is `unlinked`.
   */
  readonly noreplyDomain: string;
  /**
   * What a scrape reads unless asked for less: the fleet's scope
   * (`toActivityScope(github.optional_resources).resources`). Default: every resource that
   * is not optional.
   */
  readonly resources?: readonly ScrapeResource[];
}

/** What every collector of one repo scrape shares. */
export interface CollectorContext {
  readonly ref: RepoRef;
  readonly client: GitHubClient;
  readonly store: ActivityStore;
  /** The LOC fallback's budgets (`loc.fallback_max_*`), shared by the fleet. */
  readonly locBudget: LocFallbackBudget;
  readonly options: ScrapeOptions;
  readonly sleep: Sleep;
  readonly signal: AbortSignal;
  /** The scrape's instant: the window end on success. */
  readonly nowMs: number;
  /**
   * Redis's clock now: the scrape's instant plus the time the worker measured since. Dates
   * the logins a page shows (newest sighting wins across the fleet), so a worker whose clock
   * runs ahead cannot make a stale login win.
   */
  readonly readClockMs: () => number;
  /** Reads noreply author emails of the fleet's GitHub (`options.noreplyDomain`). */
  readonly readNoreplyEmail: NoreplyEmailReader;
  /** Set for a backfill: read exactly this range, ignoring checkpoints and ETags. */
  readonly window: ScrapeWindow | undefined;
  readonly checkpoints: RepoCheckpoints;
  /**
   * Set while the repo's history is pending (`RepoCheckpoints.historyReadFromMs`, or this
   * scrape is its first read): an incremental read goes back to here, not to retention; the
   * backfill worker reads what is older.
   */
  readonly historyReadFromMs: number | undefined;
}

/** The fallback's week stayed truncated because a fleet-wide budget was spent. */
export interface LocTruncation {
  readonly budget: Exclude<LocBudgetDecision, 'granted'>;
  /** Commits of the week whose lines could not be read. */
  readonly unreadCommits: number;
  /** When the spent budget renews: the refresh is retried then, not every cycle before. */
  readonly retryAtMs: number;
}

/** What a collector read completely: its checkpoints move, its events are in the ledger. */
export interface CollectorResult {
  readonly added: number;
  readonly duplicates: number;
  readonly checkpoints: RepoCheckpoints;
  /** Events of the ledger GitHub no longer lists (a deleted comment), removed by this read. */
  readonly removed?: number;
  /** Counted requests made only to reconcile the ledger back to retention. */
  readonly reconcileRequests?: number;
  /** The resource's ledger was proven equal to GitHub's listing back to retention. */
  readonly reconciledToRetention?: boolean;
  /** LOC only: the fallback's week stayed truncated by a spent budget (a declared outcome). */
  readonly locTruncation?: LocTruncation;
}

/**
 * The oldest instant a scrape reads back to: the backfill window, else retention, or the
 * start of the repo's first read while its history is pending.
 */
export function readBackToMs(context: CollectorContext): number {
  const retentionStartMs = context.nowMs - context.options.retentionMs;
  return context.window?.fromMs ?? Math.max(retentionStartMs, context.historyReadFromMs ?? 0);
}

/** `{ owner, repo }` route parameters. */
export function repoParams(context: CollectorContext): { owner: string; repo: string } {
  return { owner: context.ref.org, repo: context.ref.repo };
}

export const toIsoSeconds = (epochMs: number): string =>
  new Date(Math.floor(epochMs / 1000) * 1000).toISOString().replace('.000Z', 'Z');
