import { GitHubRequestError, type GitHubClient } from '@gse/github';
import type { Logger } from '@gse/logging';
import type { BackfillRequest } from '@gse/queues';
import type { CopilotDayStore, CopilotWindow } from '@gse/store';
import { COPILOT_USAGE_METRICS, FLEET_METRICS, type FleetTelemetry } from '@gse/telemetry';

import {
  toCopilotUsage,
  type CopilotScope,
  type CopilotUsageOptions,
} from './aggregate-copilot-usage.js';
import {
  copilotWindowEnding,
  daysBetween,
  latestCopilotDay,
  parseCopilotDayMs,
  toDayWindowMs,
} from './copilot-days.js';
import type { CopilotRecord } from './copilot-record.js';
import {
  CopilotDownloadError,
  readCopilotReport,
  type CopilotReportRequest,
} from './copilot-report-client.js';

/** One scope's reports: an org's, or the enterprise's. */
export interface CopilotTarget {
  readonly scope: CopilotScope;
  /** Org login or enterprise slug. */
  readonly id: string;
}

export interface CopilotSyncOptions extends CopilotUsageOptions {
  /** `copilot.download_timeout`. */
  readonly downloadTimeoutMs: number;
  /** Days reports lag behind today (2). */
  readonly lagDays: number;
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

/** What reading reports did: every day read, or the days still missing and why. */
export type CopilotSyncOutcome =
  | { readonly kind: 'done'; readonly published: boolean }
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

const scopeKeyOf = (target: CopilotTarget): string => `${target.scope}/${target.id}`;

/**
 * The scheduled read: the latest 28-day report. Its days are stored and, once every day of
 * the window is known, the scope's series are replaced. When it fails, the window it would
 * have covered (ending `lagDays` before today) becomes the scope's window and is returned
 * as missing, for a backfill by day; the series keep their last complete values meanwhile.
 */
export async function syncLatestCopilotReport(
  deps: CopilotSyncDeps,
  target: CopilotTarget,
): Promise<CopilotSyncOutcome> {
  const now = deps.now ?? Date.now;
  try {
    const report = await read(deps, target, { kind: 'latest' });
    await storeDays(deps, target, report.days, report.records);
    const [startDay, endDay] = [report.days[0], report.days.at(-1)];
    if (startDay !== undefined && endDay !== undefined) {
      await deps.store.setWindow(scopeKeyOf(target), { startDay, endDay });
    }
    return { kind: 'done', published: await publishCopilotScope(deps, target) };
  } catch (error) {
    if (deps.signal.aborted) throw error;
    const missing = copilotWindowEnding(latestCopilotDay(now(), deps.options.lagDays));
    const stored = await deps.store.getWindow(scopeKeyOf(target));
    if (!stored || stored.endDay < missing.endDay) {
      await deps.store.setWindow(scopeKeyOf(target), missing);
    }
    return toFailure(error, missing);
  }
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
      const report = await read(deps, target, { kind: 'day', day });
      await storeDays(deps, target, report.days, report.records);
    } catch (error) {
      if (deps.signal.aborted) throw error;
      return toFailure(error, { startDay: day, endDay: days.at(-1) ?? day });
    }
  }
  return { kind: 'done', published: await publishCopilotScope(deps, target) };
}

/**
 * Replaces the scope's `gh_copilot_usage_*` series from the stored days of its window, if
 * every one of them is stored; otherwise leaves the last complete series and returns false.
 */
export async function publishCopilotScope(
  deps: CopilotSyncDeps,
  target: CopilotTarget,
): Promise<boolean> {
  const key = scopeKeyOf(target);
  const window = await deps.store.getWindow(key);
  if (!window) return false;
  const stored = await deps.store.readDays(key, daysBetween(window.startDay, window.endDay));
  const records: CopilotRecord[] = [];
  for (const text of stored.values()) {
    if (text === undefined) return false;
    records.push(...(JSON.parse(text) as CopilotRecord[]));
  }
  const usage = toCopilotUsage(target.scope, target.id, records, deps.options);
  const slice = { scope: target.scope, org: target.id };
  for (const family of COPILOT_USAGE_METRICS) {
    const samples = usage.samples.get(family.definition.name) ?? [];
    deps.telemetry.replaceWhere(
      family.definition,
      slice,
      samples.map((sample) => ({
        labels: { scope: '', org: '', user: '', day: '', ...sample.labels },
        value: sample.value,
      })),
    );
  }
  const { telemetry } = deps;
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
  telemetry.set(
    FLEET_METRICS.copilotLastSuccess,
    slice,
    Math.floor((deps.now ?? Date.now)() / 1000),
  );
  telemetry.set(FLEET_METRICS.copilotReportEndDay, slice, parseCopilotDayMs(window.endDay) / 1000);
  return true;
}

/** The backfill request of a failed read: the missing days, as a day-aligned window. */
export function toCopilotBackfillRequest(
  target: CopilotTarget,
  failure: Extract<CopilotSyncOutcome, { kind: 'failed' }>,
): BackfillRequest {
  return {
    org: target.id,
    resource: target.scope === 'org' ? 'copilot_org' : 'copilot_enterprise',
    ...toDayWindowMs(failure.missing),
    reason: failure.reason,
    lastError: failure.error,
  };
}

async function read(
  deps: CopilotSyncDeps,
  target: CopilotTarget,
  request: CopilotReportRequest,
): Promise<Awaited<ReturnType<typeof readCopilotReport>>> {
  const slice = { scope: target.scope, org: target.id };
  const report = request.kind === 'latest' ? '28d' : '1d';
  try {
    const result = await readCopilotReport(
      {
        client: deps.client,
        downloadTimeoutMs: deps.options.downloadTimeoutMs,
        signal: deps.signal,
        ...(deps.fetch ? { fetch: deps.fetch } : {}),
        onDownload: (outcome) => {
          deps.telemetry.increment(FLEET_METRICS.copilotDownloads, { ...slice, result: outcome });
        },
      },
      target,
      request,
    );
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
  target: CopilotTarget,
  days: readonly string[],
  records: readonly CopilotRecord[],
): Promise<void> {
  const byDay = new Map<string, CopilotRecord[]>(days.map((day) => [day, []]));
  // A record outside the report's days is GitHub's inconsistency; it is stored with its day.
  for (const record of records) {
    const list = byDay.get(record.day) ?? [];
    list.push(record);
    byDay.set(record.day, list);
  }
  await deps.store.putDays(
    scopeKeyOf(target),
    new Map([...byDay].map(([day, list]) => [day, JSON.stringify(list)])),
  );
}

function toFailure(
  error: unknown,
  missing: CopilotWindow,
): Extract<CopilotSyncOutcome, { kind: 'failed' }> {
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
