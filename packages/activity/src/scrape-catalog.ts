import type { ActivityField } from './activity-metrics.js';

/** What one entry of {@link SCRAPE_CATALOG} declares about a GitHub resource. */
export interface ScrapeResourceEntry {
  /**
   * The GitHub REST routes its collector reads, by the collector's name for each: the
   * `endpoint` label of `gh_exporter_github_requests_total`.
   */
  readonly endpoints: Readonly<Record<string, string>>;
  /**
   * The repo checkpoint its incremental reads start from: a field of `RepoCheckpoints`
   * (`@gse/store`), epoch ms, and where a missing read's backfill window starts.
   */
  readonly checkpoint: string;
  /** Event kinds it yields, each with the 24 h family it counts into. */
  readonly events: Readonly<Record<string, ActivityField>>;
  /** Families it feeds other than by counting events (weekly LOC). */
  readonly measures: readonly ActivityField[];
}

/**
 * The scrape catalog: every GitHub resource one repo scrape reads, declared once. Its keys
 * are the resources a backfill may ask for (queue messages, the operator CLI), a missing
 * read reports, and per-collector telemetry labels (`resource`); its `events` are the event
 * kinds of the ledger. `@gse/scrape` binds each key to its collector, and the compiler
 * refuses a resource without one. Every resource feeds `lastEventUnixtime` through its events.
 */
export const SCRAPE_CATALOG = {
  commits: {
    endpoints: { commits: 'GET /repos/{owner}/{repo}/commits' },
    checkpoint: 'commitsSyncedAtMs',
    events: { commit: 'commits24h' },
    measures: [],
  },
  pulls: {
    endpoints: {
      pulls: 'GET /repos/{owner}/{repo}/pulls',
      reviews: 'GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews',
    },
    checkpoint: 'pullsUpdatedAtMs',
    events: {
      pr_opened: 'prsOpened24h',
      pr_merged: 'prsMerged24h',
      review_submitted: 'reviewsSubmitted24h',
    },
    measures: [],
  },
  issue_comments: {
    endpoints: { comments: 'GET /repos/{owner}/{repo}/issues/comments' },
    checkpoint: 'commentsUpdatedAtMs',
    events: { issue_comment: 'issueComments24h' },
    measures: [],
  },
  loc: {
    endpoints: {
      stats: 'GET /repos/{owner}/{repo}/stats/contributors',
      // The LOC fallback: the week's commits, then each one's details.
      weekCommits: 'GET /repos/{owner}/{repo}/commits',
      commitDetail: 'GET /repos/{owner}/{repo}/commits/{ref}',
    },
    checkpoint: 'locRefreshedAtMs',
    events: {},
    measures: ['locAddedWeekly', 'locRemovedWeekly'],
  },
} as const satisfies Record<string, ScrapeResourceEntry>;

type ScrapeCatalog = typeof SCRAPE_CATALOG;

/** A GitHub resource one repo scrape reads; each succeeds or goes missing on its own. */
export type ScrapeResource = keyof ScrapeCatalog;

/** The kinds of countable events; each `gh_activity_*_24h` gauge counts one kind. */
export type ActivityKind = {
  [R in ScrapeResource]: keyof ScrapeCatalog[R]['events'];
}[ScrapeResource];

/** Every resource, in catalog order (the order a scrape reads them in). */
export const SCRAPE_RESOURCES = Object.keys(SCRAPE_CATALOG) as ScrapeResource[];

const EVENT_KINDS = new Map(
  SCRAPE_RESOURCES.flatMap((resource) =>
    Object.entries(SCRAPE_CATALOG[resource].events).map(
      ([kind, field]) => [kind as ActivityKind, { resource, field }] as const,
    ),
  ),
);

/** Every event kind, in catalog order. */
export const ACTIVITY_KINDS: readonly ActivityKind[] = [...EVENT_KINDS.keys()];

/** The 24 h family an event kind counts into. */
export function toCountedField(kind: ActivityKind): ActivityField {
  const entry = EVENT_KINDS.get(kind);
  if (!entry) throw new TypeError(`unknown event kind ${JSON.stringify(kind)}`);
  return entry.field;
}

/** Whether a string read back from storage is an event kind of the catalog. */
export function isActivityKind(kind: string): kind is ActivityKind {
  return EVENT_KINDS.has(kind as ActivityKind);
}
