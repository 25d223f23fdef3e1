import { SCRAPE_RESOURCES, type ScrapeResource } from '@gse/activity';

/**
 * The Copilot kinds: days of a scope's users reports (`copilot_org`, `copilot_enterprise`)
 * or aggregate reports (`…_aggregate`); `org` is then the org login or the enterprise slug,
 * and the window is whole UTC days, read again with 1-day reports.
 */
export const COPILOT_BACKFILL_RESOURCES = [
  'copilot_org',
  'copilot_enterprise',
  'copilot_org_aggregate',
  'copilot_enterprise_aggregate',
] as const;
export type CopilotBackfillResource = (typeof COPILOT_BACKFILL_RESOURCES)[number];

/**
 * What a backfill re-reads: one resource of `SCRAPE_CATALOG` (`@gse/activity`), `all`
 * (cooldowns, failed jobs), or a Copilot scope's days.
 */
export type BackfillResource = ScrapeResource | 'all' | CopilotBackfillResource;

/** Every value a backfill's `resource` may take: `all`, the catalog's resources, Copilot's. */
export const BACKFILL_RESOURCES: readonly [BackfillResource, ...BackfillResource[]] = [
  'all',
  ...SCRAPE_RESOURCES,
  ...COPILOT_BACKFILL_RESOURCES,
];

export const isCopilotBackfillResource = (
  resource: BackfillResource,
): resource is CopilotBackfillResource =>
  (COPILOT_BACKFILL_RESOURCES as readonly string[]).includes(resource);

/**
 * A window that could not be scraped, handed to backfill. Producers: the scraper worker
 * (partial or failed repo scrapes) and the scheduler (windows skipped during an org's
 * GitHub cooldown). The backfill queue owns dedup, coalescing, caps and delivery.
 */
export interface BackfillRequest {
  readonly org: string;
  /** Absent: every repo of the org (a whole org cycle was skipped). */
  readonly repo?: string;
  /** GitHub's id of `repo`, when the producer knows it (a repo job carries it). */
  readonly repoId?: number;
  readonly resource: BackfillResource;
  /** `[fromMs, toMs]`, epoch ms. */
  readonly fromMs: number;
  readonly toMs: number;
  /** Why it is missing, e.g. `github_unavailable`, `rate_limited`, `github_unhealthy`. */
  readonly reason: string;
  /** The last error's message, when there was one (never a secret). */
  readonly lastError?: string;
}

/** Where producers hand missing windows; resolves once they are safely stored in Redis. */
export interface BackfillProducer {
  request(requests: readonly BackfillRequest[]): Promise<void>;
}
