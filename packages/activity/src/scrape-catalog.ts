import { ACTIVITY_METRICS, type ActivityField, type ActivityMetric } from './activity-metrics.js';

/**
 * The collectors of `@gse/scrape`, by the shape of what they read: `comments` reads any
 * repo-wide comment list (sorted by `updated`, `since`) whose one event kind a comment is.
 */
export type ScrapeCollector = 'commits' | 'pulls' | 'comments' | 'loc';

/** What one entry of {@link SCRAPE_CATALOG} declares about a GitHub resource. */
export interface ScrapeResourceEntry {
  /** The collector that reads it. */
  readonly collector: ScrapeCollector;
  /**
   * Read (and its families exposed) only when named in `github.optional_resources`: a family
   * beyond DESIGN.md §5's eight, which costs requests an operator opts into.
   */
  readonly optional?: true;
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
    collector: 'commits',
    endpoints: { commits: 'GET /repos/{owner}/{repo}/commits' },
    checkpoint: 'commitsSyncedAtMs',
    events: { commit: 'commits24h' },
    measures: [],
  },
  pulls: {
    collector: 'pulls',
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
    collector: 'comments',
    endpoints: { comments: 'GET /repos/{owner}/{repo}/issues/comments' },
    checkpoint: 'commentsUpdatedAtMs',
    events: { issue_comment: 'issueComments24h' },
    measures: [],
  },
  loc: {
    collector: 'loc',
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
  pr_review_comments: {
    collector: 'comments',
    optional: true,
    endpoints: { comments: 'GET /repos/{owner}/{repo}/pulls/comments' },
    checkpoint: 'reviewCommentsUpdatedAtMs',
    events: { pr_review_comment: 'prReviewComments24h' },
    measures: [],
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

/** Whether a string read back from storage is a resource of the catalog. */
export function isScrapeResource(resource: string): resource is ScrapeResource {
  return Object.hasOwn(SCRAPE_CATALOG, resource);
}

/** Whether a string read back from storage is an event kind of the catalog. */
export function isActivityKind(kind: string): kind is ActivityKind {
  return EVENT_KINDS.has(kind as ActivityKind);
}

/** The resources an operator may switch on (`github.optional_resources`), in catalog order. */
export const OPTIONAL_RESOURCES: readonly ScrapeResource[] = SCRAPE_RESOURCES.filter(
  (resource) => (SCRAPE_CATALOG[resource] as ScrapeResourceEntry).optional === true,
);

/** What a fleet with some optional resources switched on reads, counts and exposes. */
export interface ActivityScope {
  /** Every resource read by default (scheduled scrapes, `resource: all` backfills), in catalog order. */
  readonly resources: readonly ScrapeResource[];
  /** The event kinds the series count; events of other kinds in the ledger are ignored. */
  readonly kinds: ReadonlySet<ActivityKind>;
  /** The series fields fed by those resources. */
  readonly fields: ReadonlySet<ActivityField>;
  /** The business families of those fields, in exposition order: what `/metrics` shows. */
  readonly metrics: readonly ActivityMetric[];
}

/**
 * The scope of a fleet: every resource that is not optional, and the optional ones named in
 * `enabled` (`github.optional_resources`). Families fed only by resources out of scope are
 * neither counted nor exposed, so switching one off removes it at the next refresh and
 * switching it on again brings back whatever the ledger still holds.
 */
export function toActivityScope(enabled: readonly string[]): ActivityScope {
  const unknown = enabled.filter((name) => !OPTIONAL_RESOURCES.includes(name as ScrapeResource));
  if (unknown.length > 0) {
    throw new TypeError(
      `not optional resources: ${unknown.join(', ')} (optional: ${OPTIONAL_RESOURCES.join(', ')})`,
    );
  }
  const resources = SCRAPE_RESOURCES.filter(
    (resource) =>
      (SCRAPE_CATALOG[resource] as ScrapeResourceEntry).optional !== true ||
      enabled.includes(resource),
  );
  const kinds = new Set<ActivityKind>();
  const fields = new Set<ActivityField>(['lastEventUnixtime']);
  for (const resource of resources) {
    const entry: ScrapeResourceEntry = SCRAPE_CATALOG[resource];
    for (const [kind, field] of Object.entries(entry.events)) {
      kinds.add(kind as ActivityKind);
      fields.add(field);
    }
    for (const field of entry.measures) fields.add(field);
  }
  const metrics = ACTIVITY_METRICS.filter((metric) => fields.has(metric.field));
  return { resources, kinds, fields, metrics };
}
