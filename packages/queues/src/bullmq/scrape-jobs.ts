import { isScrapeResource, type ScrapeResource } from '@gse/activity';
import { decodeTraceCarrier, type TraceCarrier } from '@gse/tracing';

/**
 * The BullMQ job catalog of scraping (DESIGN.md §6): one queue of org cycles, one of repo
 * scrapes, their payloads, decoders and job ids.
 */

/** Queue names, under `bullmq.prefix`. */
export const SCRAPE_QUEUES = {
  /** One job per org and scrape-interval slot: discover repos, fan out repo jobs. */
  orgs: 'org-scrapes',
  /** One job per repo of an org cycle: `scrapeRepo`. */
  repos: 'repo-scrapes',
} as const;

/**
 * The BullMQ queue of the scheduled Copilot reads (one job per scope per interval slot;
 * `@gse/fleet-adapters` runs it), named here so every reader of the queues finds it.
 */
export const COPILOT_QUEUE = 'copilot-reports';

export type ScrapeQueueName = (typeof SCRAPE_QUEUES)[keyof typeof SCRAPE_QUEUES];

/** An org's scrape cycle: the interval slot `[slotStartMs, slotStartMs + intervalMs)`. */
export interface OrgScrapeJob {
  readonly org: string;
  /** Start of the cycle's slot: a multiple of `intervalMs` since the epoch. */
  readonly slotStartMs: number;
  /** The org's `scrape_interval` when the cycle was scheduled. */
  readonly intervalMs: number;
  /** Fencing token of the scheduler term that scheduled it (for tracing a failover). */
  readonly fencingToken: number;
  /** The scheduling span's context: the org job's span is its child. */
  readonly trace?: TraceCarrier;
}

/** One repo of an org cycle. */
export interface RepoScrapeJob {
  readonly org: string;
  readonly repo: string;
  /**
   * GitHub's id of the repo, as discovery listed it (absent from jobs of releases before
   * it): a job whose repo was renamed or left since is not run (its cycle's discovery hands
   * the repo out under its new name).
   */
  readonly repoId?: number;
  /**
   * The repo's change-detection fingerprint when the cycle saw it changed: stored once the
   * scrape completed, so the next cycle leaves the repo alone unless it changes again.
   */
  readonly fingerprint?: string;
  /**
   * Whether the repo's first read leaves history to the backfill worker, as the org job
   * decided by the org's size. Absent (jobs of releases before it): the worker's config.
   */
  readonly historyInBackground?: boolean;
  /**
   * Read only these resources (a quiet repo's comment lists, due for their reconcile).
   * Absent: every resource of the fleet's scope.
   */
  readonly resources?: readonly ScrapeResource[];
  readonly slotStartMs: number;
  readonly intervalMs: number;
  /** The org job's span context: the repo job's span is its child. */
  readonly trace?: TraceCarrier;
}

// GitHub logins are [A-Za-z0-9-], repo names [A-Za-z0-9._-]: neither can hold `/` or `:`,
// so ids built from them with `/` are unambiguous and never contain BullMQ's `:`.
const JOB_ID_NAME = /^[A-Za-z0-9._-]+$/;

function checkIdName(field: string, name: string): string {
  if (!JOB_ID_NAME.test(name)) {
    throw new TypeError(`invalid ${field} name for a job id: ${JSON.stringify(name)}`);
  }
  return name;
}

function checkSlot(slotStartMs: number): number {
  if (!Number.isSafeInteger(slotStartMs) || slotStartMs < 0) {
    throw new TypeError(`invalid slot start for a job id: ${JSON.stringify(slotStartMs)}`);
  }
  return slotStartMs;
}

/**
 * `org/<org>/<slotStartMs>`: the same for every scheduler that schedules the slot, so a
 * new leader re-adding it after a failover collapses into the job already there. Never an
 * integer and never holding `:` (BullMQ reserves both).
 */
export function toOrgScrapeJobId(job: Pick<OrgScrapeJob, 'org' | 'slotStartMs'>): string {
  return `org/${checkIdName('org', job.org)}/${checkSlot(job.slotStartMs)}`;
}

/** `repo/<org>/<repo>/<slotStartMs>`: an org job that runs twice fans out the same ids. */
export function toRepoScrapeJobId(
  job: Pick<RepoScrapeJob, 'org' | 'repo' | 'slotStartMs'>,
): string {
  return `repo/${checkIdName('org', job.org)}/${checkIdName('repo', job.repo)}/${checkSlot(job.slotStartMs)}`;
}

/**
 * `org/<org>`: an org's pending cycle, whatever its slot. A later slot that finds one still
 * waiting, deferred or running collapses into it, so the org queue holds at most one job per
 * org: the pending cycle's repo jobs scrape from the checkpoints, so they cover the later
 * slot's window too.
 */
export function toOrgDeduplicationId(job: Pick<OrgScrapeJob, 'org'>): string {
  return `org/${checkIdName('org', job.org)}`;
}

/**
 * `repo/<org>/<repo>`: a repo's pending job, whatever its cycle. A cycle that finds one still
 * waiting or running collapses into it, so the repo queue holds at most one job per repo.
 */
export function toRepoDeduplicationId(job: Pick<RepoScrapeJob, 'org' | 'repo'>): string {
  return `repo/${checkIdName('org', job.org)}/${checkIdName('repo', job.repo)}`;
}

/** Checks a job's data (it comes from Redis, written by any version of the fleet). */
export function decodeOrgScrapeJob(data: unknown): OrgScrapeJob {
  const record = asRecord(data, 'org scrape job');
  return {
    org: stringField(record, 'org'),
    slotStartMs: integerField(record, 'slotStartMs'),
    intervalMs: integerField(record, 'intervalMs'),
    fencingToken: integerField(record, 'fencingToken'),
    ...traceField(record),
  };
}

/** Checks a repo job's data. */
export function decodeRepoScrapeJob(data: unknown): RepoScrapeJob {
  const record = asRecord(data, 'repo scrape job');
  return {
    org: stringField(record, 'org'),
    repo: stringField(record, 'repo'),
    ...(record['repoId'] === undefined ? {} : { repoId: integerField(record, 'repoId') }),
    ...(record['fingerprint'] === undefined
      ? {}
      : { fingerprint: fingerprintField(record['fingerprint']) }),
    ...(record['historyInBackground'] === undefined
      ? {}
      : { historyInBackground: booleanField(record, 'historyInBackground') }),
    ...(record['resources'] === undefined
      ? {}
      : { resources: resourcesField(record['resources']) }),
    slotStartMs: integerField(record, 'slotStartMs'),
    intervalMs: integerField(record, 'intervalMs'),
    ...traceField(record),
  };
}

function fingerprintField(value: unknown): string {
  if (typeof value !== 'string' || value === '' || value.length > 500) {
    throw new TypeError(`fingerprint: expected a short string, got ${JSON.stringify(value)}`);
  }
  return value;
}

function booleanField(record: Readonly<Record<string, unknown>>, field: string): boolean {
  const value = record[field];
  if (typeof value !== 'boolean') {
    throw new TypeError(`${field}: expected true or false, got ${JSON.stringify(value)}`);
  }
  return value;
}

function resourcesField(value: unknown): readonly ScrapeResource[] {
  if (
    !Array.isArray(value) ||
    value.length === 0 ||
    !value.every((item) => typeof item === 'string' && isScrapeResource(item))
  ) {
    throw new TypeError(`resources: expected scrape resources, got ${JSON.stringify(value)}`);
  }
  return value;
}

function asRecord(data: unknown, what: string): Readonly<Record<string, unknown>> {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new TypeError(`${what}: expected an object, got ${JSON.stringify(data)}`);
  }
  return data as Record<string, unknown>;
}

function stringField(record: Readonly<Record<string, unknown>>, field: string): string {
  const value = record[field];
  if (typeof value !== 'string' || !JOB_ID_NAME.test(value)) {
    throw new TypeError(`${field}: expected a GitHub name, got ${JSON.stringify(value)}`);
  }
  return value;
}

function integerField(record: Readonly<Record<string, unknown>>, field: string): number {
  const value = record[field];
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new TypeError(`${field}: expected an integer ≥ 0, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** A malformed carrier is left out rather than failing the job: its span starts a new trace. */
function traceField(record: Readonly<Record<string, unknown>>): { trace?: TraceCarrier } {
  const trace = decodeTraceCarrier(record['trace']);
  return trace === undefined ? {} : { trace };
}
