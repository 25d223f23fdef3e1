import type { GetRoute, GitHubClient } from '@gse/github';

import { parseCopilotNdjson, type ParsedCopilotFile } from './copilot-record.js';
import { daysBetween } from './copilot-days.js';
import type { CopilotScope } from './aggregate-copilot-usage.js';

/**
 * Which report of a scope: `users` (one line per user per day) or `aggregate` (the org's
 * `organization-*` or the enterprise's `enterprise-*` report: the scope's totals by day).
 */
export type CopilotReportKind = 'users' | 'aggregate';

/** The latest 28-day report, or the 1-day report of `day`. */
export type CopilotReportRequest =
  { readonly kind: 'latest' } | { readonly kind: 'day'; readonly day: string };

const ROUTES: Record<
  CopilotScope,
  Record<CopilotReportKind, Record<CopilotReportRequest['kind'], GetRoute>>
> = {
  org: {
    users: {
      latest: 'GET /orgs/{org}/copilot/metrics/reports/users-28-day/latest',
      day: 'GET /orgs/{org}/copilot/metrics/reports/users-1-day',
    },
    aggregate: {
      latest: 'GET /orgs/{org}/copilot/metrics/reports/organization-28-day/latest',
      day: 'GET /orgs/{org}/copilot/metrics/reports/organization-1-day',
    },
  },
  enterprise: {
    users: {
      latest: 'GET /enterprises/{enterprise}/copilot/metrics/reports/users-28-day/latest',
      day: 'GET /enterprises/{enterprise}/copilot/metrics/reports/users-1-day',
    },
    aggregate: {
      latest: 'GET /enterprises/{enterprise}/copilot/metrics/reports/enterprise-28-day/latest',
      day: 'GET /enterprises/{enterprise}/copilot/metrics/reports/enterprise-1-day',
    },
  },
};

/** Why a download failed: `expired` (the link is refused: ask for the report again) or not. */
export class CopilotDownloadError extends Error {
  constructor(
    readonly kind: 'expired' | 'failed',
    message: string,
  ) {
    super(message);
    this.name = 'CopilotDownloadError';
  }
}

interface ReportLinks {
  readonly links: readonly string[];
  readonly days: readonly string[];
}

function decodeLinks(data: unknown): ReportLinks {
  const body = data as Partial<Record<string, unknown>> | null;
  const links = body?.['download_links'];
  if (!Array.isArray(links) || !links.every((link) => typeof link === 'string')) {
    throw new TypeError('download_links is not a list of URLs');
  }
  const start = body?.['report_start_day'];
  const end = body?.['report_end_day'];
  const day = body?.['report_day'];
  if (typeof start === 'string' && typeof end === 'string') {
    return { links, days: daysBetween(start, end) };
  }
  if (typeof day === 'string') return { links, days: daysBetween(day, day) };
  throw new TypeError('the report names neither report_start_day/report_end_day nor report_day');
}

export interface CopilotReportClientDeps {
  /**
   * The App installation of the scope (the org's, or `copilot.enterprise.*`), its requests
   * bounded by `copilot.request_timeout`.
   */
  readonly client: GitHubClient;
  /** `copilot.download_timeout`, per file. */
  readonly downloadTimeoutMs: number;
  readonly signal: AbortSignal;
  /** The download's HTTP client (`globalThis.fetch`): never the GitHub client. */
  readonly fetch?: typeof globalThis.fetch;
  /** Called once per file with its outcome, for telemetry. */
  readonly onDownload?: (result: 'ok' | 'expired' | 'failed') => void;
}

/** A report read in full: every day it covers, every record of every file. */
export interface CopilotReport<T> {
  readonly days: readonly string[];
  readonly records: readonly T[];
  /** Lines that were not usable records (skipped). */
  readonly invalid: number;
}

/** How a report is read: its lines' decoder, and when its files need not be downloaded. */
export interface CopilotReportReading<T> {
  /** A line's records (`toCopilotUserLine`, `toCopilotAggregateLine`); `undefined`: invalid. */
  readonly decodeLine: (line: unknown) => readonly T[] | undefined;
  /**
   * Asked with the days the report's links cover, before any download: `true` skips the
   * files and the read answers `'unchanged'` (`copilot.refresh_if_report_unchanged` off).
   */
  readonly isUnchanged?: (days: readonly string[]) => Promise<boolean>;
}

/** Report-link requests per read: the first, and one more when a link had expired. */
const LINK_ATTEMPTS = 2;

/**
 * Reads one report: asks GitHub for its links with the App (the GitHub client: rate
 * limit, retries), then downloads **every** link with plain `fetch` — no token (a signed
 * storage URL needs none, and the token must not leave for another host), no GitHub retry
 * policy (the storage host costs no rate limit; a failed file fails the report, which
 * becomes a backfill), `downloadTimeoutMs` per file. An expired link asks for the report
 * again once. With `reading.isUnchanged` answering true for the report's days, nothing is
 * downloaded (`'unchanged'`). Throws {@link CopilotDownloadError} or the GitHub client's errors.
 */
export async function readCopilotReport<T>(
  deps: CopilotReportClientDeps,
  target: {
    readonly scope: CopilotScope;
    readonly id: string;
    readonly report: CopilotReportKind;
  },
  request: CopilotReportRequest,
  reading: CopilotReportReading<T>,
): Promise<CopilotReport<T> | 'unchanged'> {
  const route = ROUTES[target.scope][target.report][request.kind];
  const params = {
    [target.scope === 'org' ? 'org' : 'enterprise']: target.id,
    ...(request.kind === 'day' ? { day: request.day } : {}),
  };
  for (let attempt = 1; ; attempt++) {
    const result = await deps.client.getJson(route, params, decodeLinks);
    // No ETag is ever stored for these URLs, so anything but a 200 is not a report.
    if (result.status !== 200) {
      throw new CopilotDownloadError('failed', `${route} answered ${result.status}`);
    }
    const { data } = result;
    if (attempt === 1 && (await reading.isUnchanged?.(data.days))) return 'unchanged';
    try {
      const files = await Promise.all(
        data.links.map((link) => download(deps, link, reading.decodeLine)),
      );
      const records = files.flatMap((file) => file.records);
      const invalid = files.reduce((sum, file) => sum + file.invalid, 0);
      return { days: data.days, records, invalid };
    } catch (error) {
      const expired = error instanceof CopilotDownloadError && error.kind === 'expired';
      if (!expired || attempt >= LINK_ATTEMPTS) throw error;
    }
  }
}

async function download<T>(
  deps: CopilotReportClientDeps,
  link: string,
  decodeLine: CopilotReportReading<T>['decodeLine'],
): Promise<ParsedCopilotFile<T>> {
  const fetchFile = deps.fetch ?? globalThis.fetch;
  // The signed URL is a credential: errors name the host only.
  const host = new URL(link).host;
  let response: Response;
  try {
    response = await fetchFile(link, {
      headers: { accept: 'application/x-ndjson' },
      signal: AbortSignal.any([deps.signal, AbortSignal.timeout(deps.downloadTimeoutMs)]),
    });
  } catch (error) {
    deps.onDownload?.('failed');
    const reason = error instanceof Error ? error.name : 'error';
    throw new CopilotDownloadError('failed', `report download from ${host} failed: ${reason}`);
  }
  if (response.status === 403) {
    deps.onDownload?.('expired');
    await response.body?.cancel();
    throw new CopilotDownloadError('expired', `report link on ${host} refused (403): expired`);
  }
  if (response.status !== 200) {
    deps.onDownload?.('failed');
    await response.body?.cancel();
    throw new CopilotDownloadError(
      'failed',
      `report download from ${host} answered ${response.status}`,
    );
  }
  const text = await response.text();
  deps.onDownload?.('ok');
  return parseCopilotNdjson(text, decodeLine);
}
