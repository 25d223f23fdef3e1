import type { BudgetPriority, BudgetResource } from './client-ports.js';

/** One HTTP request to GitHub, as the client reports it for telemetry (`onRequest`). */
export interface GitHubRequestReport {
  readonly org: string;
  readonly installationId: number;
  /**
   * Method and endpoint template, `GET /repos/{owner}/{repo}/commits`: the same label for
   * every page and every repo. Token mints report
   * `POST /app/installations/{installation_id}/access_tokens`.
   */
  readonly endpoint: string;
  /** HTTP status; `undefined` when no response arrived (network error, timeout). */
  readonly status: number | undefined;
  /** It cost rate limit: a response arrived and it was not a `304`. */
  readonly counted: boolean;
  /** A conditional request answered `304 Not Modified` (free on GitHub). */
  readonly notModified: boolean;
  /** `x-ratelimit-remaining`, when the response carried it. */
  readonly rateLimitRemaining: number | undefined;
  /** `x-ratelimit-limit`, when the response carried it. */
  readonly rateLimitLimit: number | undefined;
  /** `x-ratelimit-reset` in epoch seconds, when the response carried it. */
  readonly rateLimitResetUnixSeconds: number | undefined;
  /** From sending the request to having read its body. */
  readonly durationMs: number;
  /** 1 for the first try of a call, 2 for its first retry, … */
  readonly attempt: number;
}

/** Receives every {@link GitHubRequestReport}; must not throw. */
export type GitHubRequestObserver = (report: GitHubRequestReport) => void;

/** A request that waited for its installation's per-minute budget (`RequestBudget`). */
export interface BudgetWaitReport {
  readonly org: string;
  readonly installationId: number;
  readonly resource: BudgetResource;
  readonly priority: BudgetPriority;
  /** How often the budget refused it before granting (at least 1). */
  readonly denials: number;
  /** From asking to being granted. */
  readonly waitedMs: number;
}

/** Receives every {@link BudgetWaitReport}; must not throw. */
export type BudgetWaitObserver = (report: BudgetWaitReport) => void;

function headerNumber(
  headers: Readonly<Record<string, string | undefined>>,
  name: string,
): number | undefined {
  const value = headers[name];
  if (value === undefined || value.trim() === '') return undefined;
  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed : undefined;
}

/** Builds a report from what the request got. */
export function toRequestReport(input: {
  readonly org: string;
  readonly installationId: number;
  readonly endpoint: string;
  readonly status: number | undefined;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly durationMs: number;
  readonly attempt: number;
}): GitHubRequestReport {
  const { status, headers } = input;
  return {
    org: input.org,
    installationId: input.installationId,
    endpoint: input.endpoint,
    status,
    counted: status !== undefined && status !== 304,
    notModified: status === 304,
    rateLimitRemaining: headerNumber(headers, 'x-ratelimit-remaining'),
    rateLimitLimit: headerNumber(headers, 'x-ratelimit-limit'),
    rateLimitResetUnixSeconds: headerNumber(headers, 'x-ratelimit-reset'),
    durationMs: input.durationMs,
    attempt: input.attempt,
  };
}
