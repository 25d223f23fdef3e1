import { GitHubRequestError, type GitHubClient } from '@gse/github';
import type { Logger } from '@gse/logging';
import type { BackfillRequest, CopilotBackfillResource } from '@gse/queues';
import type { CopilotDayStore, CopilotWindow } from '@gse/store';
import { COPILOT_METRIC_FAMILIES, FLEET_METRICS, type FleetTelemetry } from '@gse/telemetry';

import {
  toCopilotUsage,
  type CopilotScope,
  type CopilotUsageOptions,
} from './aggregate-copilot-usage.js';
import { toCopilotAggregateLine, type CopilotDayTotals } from './copilot-aggregate-record.js';
import { toCopilotAggregateUsage } from './copilot-aggregate-usage.js';
import {
  copilotWindowEnding,
  daysBetween,
  latestCopilotDay,
  parseCopilotDayMs,
  toDayWindowMs,
} from './copilot-days.js';
import { toCopilotUserLine, type CopilotRecord } from './copilot-record.js';
import {
  CopilotDownloadError,
  readCopilotReport,
  type CopilotReportKind,
  type CopilotReportRequest,
} from './copilot-report-client.js';
import type { CopilotSample } from './copilot-sample-sums.js';

/** A Copilot scope: an org, or the enterprise. */
export interface CopilotScopeRef {
  readonly scope: CopilotScope;
  /** Org login or enterprise slug. */
  readonly id: string;
}

/** One report of a scope: its users report, or its aggregate report. */
export interface CopilotTarget extends CopilotScopeRef {
  readonly report: CopilotReportKind;
}

export interface CopilotSyncOptions extends CopilotUsageOptions {
  /** `copilot.download_timeout`. */
  readonly downloadTimeoutMs: number;
  /** Days reports lag behind today (2). */
  readonly lagDays: number;
  /** The reports read of each scope; a scope's publication holds exactly these. */
  readonly reports: Readonly<Record<CopilotScope, readonly CopilotReportKind[]>>;
  /** `copilot.include_pull_request_activity`. */
  readonly pullRequests: boolean;
  /**
   * `copilot.refresh_if_report_unchanged`: download a latest report again even when the days
   * its links cover are already the scope's complete window (false: skip it, as the Go
   * exporter did by default; a 1-day report of a backfill is always read).
   */
  readonly refreshUnchanged: boolean;
}

export interface CopilotSyncDeps {
  /** The scope's App installation. */
  readonly client: GitHubClient;
  readonly store: CopilotDayStore;
  readonly telemetry: FleetTelemetry;
  readonly options: CopilotSyncOptions;
  readonly logger: Logger;
  readonly signal: AbortSignal;
  readonly now?: () => number;
  readonly fetch?: typeof globalThis.fetch;
}

/** What reading a report did: every day read (or unchanged), or the days still missing and why. */
export type CopilotSyncOutcome =
  | { readonly kind: 'done' }
  | {
      readonly kind: 'failed';
      /** A backfill reason (`copilot_report_unavailable`, `copilot_report_rejected`). */
      readonly reason: string;
      /** Never a signed URL (a credential). */
      readonly error: string;
      /** Whether retrying cannot help (GitHub refused: no permission, no such scope). */
      readonly permanent: boolean;
      /** The days to read again with 1-day reports. */
      readonly missing: CopilotWindow;
    };

export type CopilotFailure = Extract<CopilotSyncOutcome, { kind: 'failed' }>;

/** Store key of a report's days; the users report keeps the key it had before aggregates. */
const keyOf = (target: CopilotTarget): string =>
  target.report === 'users'
    ? `${target.scope}/${target.id}`
    : `${target.scope}/${target.id}/${target.report}`;
/** The window a report's series were last published from (used while the current one is incomplete). */
const publishedKeyOf = (target: CopilotTarget): string => `${keyOf(target)}/published`;

/**
 * The scheduled read of one report: the latest 28-day report, its days stored as the
 * report's window. When it fails, the window it would have covered (ending `lagDays` before
 * today) becomes the report's window and is returned as missing, for a backfill by day.
 * Unless `refreshUnchanged`, a report whose days are already the complete stored window is
 * not downloaded again. Publishing is the caller's ({@link syncCopilotScope}).
 */
export async function syncLatestCopilotReport(
  deps: CopilotSyncDeps,
  target: CopilotTarget,
): Promise<CopilotSyncOutcome> {
  const now = deps.now ?? Date.now;
  const key = keyOf(target);
  try {
    const isUnchanged = deps.options.refreshUnchanged
      ? undefined
      : (days: readonly string[]) => isStoredWindow(deps.store, key, days);
    const report = await read(deps, target, { kind: 'latest' }, isUnchanged);
    if (report === 'unchanged') return { kind: 'done' };
    await storeDays(deps, key, report.days, report.records);
    const [startDay, endDay] = [report.days[0], report.days.at(-1)];
    if (startDay !== undefined && endDay !== undefined) {
      await deps.store.setWindow(key, { startDay, endDay });
    }
    return { kind: 'done' };
  } catch (error) {
    if (deps.signal.aborted) throw error;
    const missing = copilotWindowEnding(latestCopilotDay(now(), deps.options.lagDays));
    const stored = await deps.store.getWindow(key);
    if (!stored || stored.endDay < missing.endDay) await deps.store.setWindow(key, missing);
    return toFailure(error, missing);
  }
}

/**
 * A scope's scheduled read: the latest report of each of its `reports`, then one
 * publication. Returns whether every report was published from its current window, and the
 * reports that failed (each becomes a backfill of its days).
 */
export async function syncCopilotScope(
  deps: CopilotSyncDeps,
  scope: CopilotScopeRef,
): Promise<{
  readonly published: boolean;
  readonly failures: readonly { target: CopilotTarget; failure: CopilotFailure }[];
}> {
  const failures: { target: CopilotTarget; failure: CopilotFailure }[] = [];
  for (const report of deps.options.reports[scope.scope]) {
    const target = { ...scope, report };
    const outcome = await syncLatestCopilotReport(deps, target);
    if (outcome.kind === 'failed') failures.push({ target, failure: outcome });
  }
  return { published: await publishCopilotScope(deps, scope), failures };
}

/**
 * A backfill: reads the 1-day report of each day (callers leave out days inside the lag),
 * stores it, and republishes the scope. Fails on the first day that cannot be read; the days
 * read before it stay stored, so a retry of the whole window repeats them harmlessly.
 */
export async function backfillCopilotDays(
  deps: CopilotSyncDeps,
  target: CopilotTarget,
  days: readonly string[],
): Promise<CopilotSyncOutcome> {
  for (const day of days) {
    try {
      const report = await read(deps, target, { kind: 'day', day }, undefined);
      if (report !== 'unchanged') await storeDays(deps, keyOf(target), report.days, report.records);
    } catch (error) {
      if (deps.signal.aborted) throw error;
      return toFailure(error, { startDay: day, endDay: days.at(-1) ?? day });
    }
  }
  await publishCopilotScope(deps, target);
  return { kind: 'done' };
}

/**
 * Replaces the scope's `gh_copilot_usage_*` series from the stored days: each report of the
 * scope from its window when every day of it is stored, else from the window it was last
 * published from (so a failed report keeps its last complete series while its days are
 * backfilled), else none. True when every report was published from its current window.
 */
export async function publishCopilotScope(
  deps: CopilotSyncDeps,
  scope: CopilotScopeRef,
): Promise<boolean> {
  const { telemetry, options } = deps;
  const slice = { scope: scope.scope, org: scope.id };
  const samples = new Map<string, CopilotSample[]>();
  const merge = (part: ReadonlyMap<string, readonly CopilotSample[]>): void => {
    for (const [name, list] of part) samples.set(name, [...(samples.get(name) ?? []), ...list]);
  };
  let allFresh = true;
  for (const report of options.reports[scope.scope]) {
    const target = { ...scope, report };
    const part = await readPublishableDays(deps.store, target);
    allFresh &&= part?.fresh === true;
    if (!part) continue;
    if (report === 'aggregate') {
      const days = part.texts.flatMap((text) => JSON.parse(text) as CopilotDayTotals[]);
      merge(toCopilotAggregateUsage(scope.scope, scope.id, days, options));
    } else {
      const records = part.texts.flatMap((text) => JSON.parse(text) as CopilotRecord[]);
      const usage = toCopilotUsage(scope.scope, scope.id, records, options);
      merge(usage.samples);
      if (part.fresh) countDropped(telemetry, slice, usage);
    }
    if (part.fresh) {
      const labels = { ...slice, report };
      telemetry.set(
        FLEET_METRICS.copilotLastSuccess,
        labels,
        Math.floor((deps.now ?? Date.now)() / 1000),
      );
      telemetry.set(
        FLEET_METRICS.copilotReportEndDay,
        labels,
        parseCopilotDayMs(part.window.endDay) / 1000,
      );
    }
  }
  for (const family of COPILOT_METRIC_FAMILIES) {
    telemetry.replaceWhere(
      family,
      slice,
      (samples.get(family.name) ?? []).map((sample) => ({
        labels: { scope: '', org: '', user: '', day: '', ...sample.labels },
        value: sample.value,
      })),
    );
  }
  return allFresh;
}

/** The backfill resource of a report (`@gse/queues`). */
const BACKFILL_RESOURCES: Record<
  CopilotScope,
  Record<CopilotReportKind, CopilotBackfillResource>
> = {
  org: { users: 'copilot_org', aggregate: 'copilot_org_aggregate' },
  enterprise: { users: 'copilot_enterprise', aggregate: 'copilot_enterprise_aggregate' },
};

/** The report a Copilot backfill resource names. */
export function toCopilotTargetOf(resource: CopilotBackfillResource, id: string): CopilotTarget {
  for (const scope of ['org', 'enterprise'] as const) {
    for (const report of ['users', 'aggregate'] as const) {
      if (BACKFILL_RESOURCES[scope][report] === resource) return { scope, id, report };
    }
  }
  throw new TypeError(`not a Copilot backfill resource: ${resource}`);
}

/** The backfill request of a failed read: the missing days, as a day-aligned window. */
export function toCopilotBackfillRequest(
  target: CopilotTarget,
  failure: CopilotFailure,
): BackfillRequest {
  return {
    org: target.id,
    resource: BACKFILL_RESOURCES[target.scope][target.report],
    ...toDayWindowMs(failure.missing),
    reason: failure.reason,
    lastError: failure.error,
  };
}

function countDropped(
  telemetry: FleetTelemetry,
  slice: { scope: string; org: string },
  usage: { droppedRecords: number; droppedUsers: number },
): void {
  if (usage.droppedRecords > 0) {
    telemetry.increment(
      FLEET_METRICS.copilotDropped,
      { ...slice, cap: 'records' },
      usage.droppedRecords,
    );
  }
  if (usage.droppedUsers > 0) {
    telemetry.increment(
      FLEET_METRICS.copilotDropped,
      { ...slice, cap: 'users' },
      usage.droppedUsers,
    );
  }
}

/** Whether `days` are the report's stored window, every day of it stored. */
async function isStoredWindow(
  store: CopilotDayStore,
  key: string,
  days: readonly string[],
): Promise<boolean> {
  const window = await store.getWindow(key);
  if (!window || window.startDay !== days[0] || window.endDay !== days.at(-1)) return false;
  const stored = await store.readDays(key, days);
  return [...stored.values()].every((text) => text !== undefined);
}

async function readComplete(
  store: CopilotDayStore,
  key: string,
  window: CopilotWindow,
): Promise<string[] | undefined> {
  const stored = await store.readDays(key, daysBetween(window.startDay, window.endDay));
  const texts = [...stored.values()];
  return texts.every((text) => text !== undefined) ? texts : undefined;
}

/** The stored days a report's series come from now, and whether they are its current window. */
async function readPublishableDays(
  store: CopilotDayStore,
  target: CopilotTarget,
): Promise<{ texts: string[]; window: CopilotWindow; fresh: boolean } | undefined> {
  const key = keyOf(target);
  const current = await store.getWindow(key);
  const currentTexts = current && (await readComplete(store, key, current));
  if (current && currentTexts) {
    await store.setWindow(publishedKeyOf(target), current);
    return { texts: currentTexts, window: current, fresh: true };
  }
  const last = await store.getWindow(publishedKeyOf(target));
  const lastTexts = last && (await readComplete(store, key, last));
  return last && lastTexts ? { texts: lastTexts, window: last, fresh: false } : undefined;
}

async function read(
  deps: CopilotSyncDeps,
  target: CopilotTarget,
  request: CopilotReportRequest,
  isUnchanged: ((days: readonly string[]) => Promise<boolean>) | undefined,
): Promise<{ days: readonly string[]; records: readonly { day: string }[] } | 'unchanged'> {
  const slice = { scope: target.scope, org: target.id };
  const report = `${target.report}_${request.kind === 'latest' ? '28d' : '1d'}`;
  const reportDeps = {
    client: deps.client,
    downloadTimeoutMs: deps.options.downloadTimeoutMs,
    signal: deps.signal,
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
    onDownload: (outcome: 'ok' | 'expired' | 'failed') => {
      deps.telemetry.increment(FLEET_METRICS.copilotDownloads, { ...slice, result: outcome });
    },
  };
  const unchanged = isUnchanged ? { isUnchanged } : {};
  try {
    const result =
      target.report === 'users'
        ? await readCopilotReport(reportDeps, target, request, {
            decodeLine: toCopilotUserLine,
            ...unchanged,
          })
        : await readCopilotReport(reportDeps, target, request, {
            decodeLine: toCopilotAggregateLine,
            ...unchanged,
          });
    if (result === 'unchanged') {
      deps.telemetry.increment(FLEET_METRICS.copilotReports, { ...slice, report, result });
      return result;
    }
    deps.telemetry.increment(FLEET_METRICS.copilotReports, { ...slice, report, result: 'done' });
    deps.telemetry.increment(FLEET_METRICS.copilotRecordsParsed, slice, result.records.length);
    if (result.invalid > 0) {
      deps.telemetry.increment(FLEET_METRICS.copilotRecordsInvalid, slice, result.invalid);
    }
    return result;
  } catch (error) {
    deps.telemetry.increment(FLEET_METRICS.copilotReports, { ...slice, report, result: 'failed' });
    deps.logger.warn('copilot report read failed', {
      scope: target.scope,
      org: target.id,
      report,
      error: error instanceof Error ? error.message : String(error),
    });
    throw error;
  }
}

async function storeDays(
  deps: CopilotSyncDeps,
  key: string,
  days: readonly string[],
  records: readonly { day: string }[],
): Promise<void> {
  const byDay = new Map<string, { day: string }[]>(days.map((day) => [day, []]));
  // A record outside the report's days is GitHub's inconsistency; it is stored with its day.
  for (const record of records) {
    const list = byDay.get(record.day) ?? [];
    list.push(record);
    byDay.set(record.day, list);
  }
  await deps.store.putDays(
    key,
    new Map([...byDay].map(([day, list]) => [day, JSON.stringify(list)])),
  );
}

function toFailure(error: unknown, missing: CopilotWindow): CopilotFailure {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof GitHubRequestError && !error.retryable) {
    return {
      kind: 'failed',
      reason: 'copilot_report_rejected',
      error: message,
      permanent: true,
      missing,
    };
  }
  const reason =
    error instanceof CopilotDownloadError
      ? 'copilot_download_failed'
      : 'copilot_report_unavailable';
  return { kind: 'failed', reason, error: message, permanent: false, missing };
}
