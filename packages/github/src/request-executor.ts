import { toErrorMessage, type Logger } from '@gse/logging';
import { type Span, withSpan } from '@gse/tracing';
import type { Octokit } from '@octokit/core';

import type { Sleep } from './abortable-sleep.js';
import { computeBackoffMs, type RetryOptions } from './backoff.js';
import { classifyGitHubError } from './classify-github-error.js';
import type {
  BudgetAnswer,
  BudgetPriority,
  BudgetResource,
  InstallationSemaphore,
  RequestBudget,
  SemaphoreLease,
} from './client-ports.js';
import type { GitHubErrorDecision } from './github-error-decision.js';
import { GitHubRequestError } from './github-errors.js';
import {
  toRequestReport,
  type BudgetWaitObserver,
  type GitHubRequestObserver,
} from './github-request-report.js';
import { recordGitHubResponse, toGitHubSpanStart } from './github-request-span.js';
import { sendRequest, type RawResponse } from './github-transport.js';
import {
  TOKEN_ENDPOINT,
  TokenMintError,
  type InstallationTokenSource,
} from './installation-token-source.js';
import type { RateLimitGate, RateLimitOptions, RateLimitSnapshot } from './rate-limit-gate.js';
import { toSecondaryPoints } from './secondary-points.js';

/** Up to this much is added to a wait for the budget (GitHub's minute is 60,000 ms). */
const BUDGET_JITTER_MS = 100;

export interface RequestExecutorDeps {
  readonly org: string;
  readonly installationId: number;
  readonly octokit: Octokit;
  readonly tokens: InstallationTokenSource;
  /** One gate per resource: REST and GraphQL have separate primary windows. */
  readonly gates: Readonly<Record<BudgetResource, RateLimitGate>>;
  readonly semaphore: InstallationSemaphore;
  /** The fleet's per-minute points and primary view, drawn from at this priority. */
  readonly budget: { readonly port: RequestBudget; readonly priority: BudgetPriority } | undefined;
  readonly onBudgetWait: BudgetWaitObserver;
  readonly rateLimit: RateLimitOptions;
  readonly retry: RetryOptions;
  readonly onRequest: GitHubRequestObserver;
  readonly logger: Logger;
  readonly signal: AbortSignal;
  readonly now: () => number;
  readonly sleep: Sleep;
  readonly random: () => number;
}

export interface ExecuteRequest {
  readonly method: string;
  /** `/repos/{owner}/{repo}/commits` */
  readonly endpoint: string;
  readonly url: string;
  /** Sent as `If-None-Match`. */
  readonly etag?: string | undefined;
  /**
   * Whose limits the request counts against: `rest` (default) or `graphql` (a query: 1
   * secondary point; its primary cost comes back in the response's `x-ratelimit-*`).
   */
  readonly resource?: BudgetResource;
  /** The JSON body of a `POST` (a GraphQL query and its variables). */
  readonly body?: Readonly<Record<string, unknown>> | undefined;
}

/**
 * Runs one API call to completion under the rules of `classifyGitHubError`: waits for the
 * rate-limit gate, takes a slot of the installation semaphore for each attempt (never while
 * waiting), retries with backoff, holds the gate on rate limits, renews a refused token once.
 * Resolves with a 2xx or `304`; rejects with `GitHubRequestError`, or with the shutdown
 * signal's reason.
 */
export function createRequestExecutor(
  deps: RequestExecutorDeps,
): (request: ExecuteRequest) => Promise<RawResponse> {
  const { logger, signal, now } = deps;
  const context = { org: deps.org, installationId: deps.installationId };

  // Every waiting request meets the same hold; one line per hold, not one per request.
  let loggedHoldEndMs = 0;
  const onGateWait = (waitMs: number, hold: string): void => {
    const holdEndMs = now() + waitMs;
    if (holdEndMs === loggedHoldEndMs) return;
    loggedHoldEndMs = holdEndMs;
    logger.warn('holding GitHub requests for the rate limit', { ...context, hold, waitMs });
  };

  /**
   * Holds the gate for a rate-limit failure. Called before the failed request's slot is
   * released, so requests queued for that slot see the hold instead of earning 403s too.
   */
  function holdFor(gate: RateLimitGate, decision: GitHubErrorDecision): void {
    const nowMs = now();
    if (decision.kind === 'wait-secondary') {
      gate.holdUntil(
        nowMs + Math.max(deps.rateLimit.secondaryLimitBackoffMs, decision.retryAfterMs ?? 0),
      );
    } else if (decision.kind === 'wait-primary') {
      // The gate saw `remaining: 0` already; hold explicitly when GitHub gave no reset, or one
      // our clock already passed (skew), so the retry cannot spin.
      const { resetAtMs } = decision;
      gate.holdUntil(
        resetAtMs === undefined
          ? nowMs + deps.rateLimit.secondaryLimitBackoffMs
          : Math.max(resetAtMs, nowMs) + deps.rateLimit.minResetBufferMs,
      );
    }
  }

  function sendHoldingLease(
    request: ExecuteRequest,
    token: string,
    attempt: number,
    lease: SemaphoreLease,
  ): Promise<AttemptResult> {
    const span = toGitHubSpanStart(request.method, request.endpoint, { ...context, attempt });
    return withSpan(span.name, span.options, (active) =>
      sendInSpan(request, token, attempt, lease, active),
    );
  }

  async function sendInSpan(
    request: ExecuteRequest,
    token: string,
    attempt: number,
    lease: SemaphoreLease,
    span: Span,
  ): Promise<AttemptResult> {
    const startedMs = now();
    let result: AttemptResult;
    let status: number | undefined;
    let headers: Readonly<Record<string, string>>;
    let primary: RateLimitSnapshot | undefined;
    const resource = request.resource ?? 'rest';
    const gate = deps.gates[resource];
    try {
      const outcome = await sendRequest(
        deps.octokit,
        {
          method: request.method,
          endpoint: request.endpoint,
          url: request.url,
          body: request.body,
          headers: {
            authorization: `token ${token}`,
            ...(request.etag === undefined ? {} : { 'if-none-match': request.etag }),
          },
        },
        signal,
      );
      status = outcome.ok ? outcome.response.status : outcome.status;
      headers = outcome.ok ? outcome.response.headers : outcome.headers;
      // A refused token is answered from the anonymous bucket (limit 60, its own window):
      // those headers say nothing of the installation's budget and would hold it for an hour.
      if (status !== 401) primary = gate.observe(headers);
      if (outcome.ok) {
        result = outcome;
      } else {
        const decision = classifyGitHubError(outcome.error, now());
        holdFor(gate, decision);
        result = {
          ok: false,
          failure: {
            error: outcome.error,
            decision,
            status,
            method: request.method,
            endpoint: request.endpoint,
            token,
          },
        };
      }
    } finally {
      await lease.release();
    }
    // Shared with the fleet, so a process that has not asked GitHub lately still holds.
    // Best-effort: GitHub answered, and the next response says the same again.
    if (primary !== undefined && deps.budget !== undefined) {
      await deps.budget.port
        .observePrimary(deps.installationId, resource, primary)
        .catch((error: unknown) => {
          logger.warn("could not share GitHub's rate-limit headers with the fleet", {
            ...context,
            resource,
            error: toErrorMessage(error),
          });
        });
    }
    const report = toRequestReport({
      ...context,
      endpoint: `${request.method} ${request.endpoint}`,
      status,
      headers,
      durationMs: now() - startedMs,
      attempt,
    });
    recordGitHubResponse(span, report);
    deps.onRequest(report);
    return result;
  }

  /**
   * One attempt: past the gate, with a token, holding a semaphore slot. A failure names the
   * endpoint that failed (the token mint's, when minting failed).
   */
  async function tryOnce(request: ExecuteRequest, attempt: number): Promise<AttemptResult> {
    const resource = request.resource ?? 'rest';
    const gate = deps.gates[resource];
    const budgetWait: { startedMs: number | undefined; denials: number } = {
      startedMs: undefined,
      denials: 0,
    };
    for (;;) {
      const hold = gate.pending();
      if (hold?.hold === 'primary' && deps.rateLimit.onPrimaryHold === 'fail') {
        const resetAtMs = now() + hold.waitMs;
        throw new GitHubRequestError(
          request.method,
          request.endpoint,
          undefined,
          attempt - 1,
          {
            kind: 'wait-primary',
            reason: `the installation's rate limit is below this client's floor until ${new Date(resetAtMs).toISOString()}`,
            resetAtMs,
          },
          { cause: undefined },
        );
      }
      await gate.waitForClearance(signal, onGateWait);
      let token: string;
      try {
        token = await deps.tokens.getToken();
      } catch (error) {
        if (signal.aborted) throw signal.reason;
        if (!(error instanceof TokenMintError)) throw error;
        const decision = classifyGitHubError(error.cause, now());
        // A rate-limited mint holds every request of the installation, like any other call.
        holdFor(gate, decision);
        return {
          ok: false,
          failure: {
            error: error.cause,
            decision,
            status: error.status,
            method: 'POST',
            endpoint: TOKEN_ENDPOINT,
            token: undefined,
          },
        };
      }
      const lease = await deps.semaphore.acquire(deps.installationId, signal);
      // A response that arrived while this request queued for a slot may have closed the
      // gate (exhaustion, a secondary limit): sending now would only earn another 403.
      if (gate.pending() !== undefined) {
        await lease.release();
        continue;
      }
      if (deps.budget !== undefined) {
        // Drawn holding the slot, just before sending: the points count in the minute GitHub
        // counts the request in, not after a wait in the slot queue.
        let answer: BudgetAnswer;
        try {
          answer = await deps.budget.port.tryTake(deps.installationId, {
            resource,
            priority: deps.budget.priority,
            points: toSecondaryPoints(resource, request.method),
          });
        } catch (error) {
          // A slot kept by a failed draw (Redis unreachable) would be lost to the fleet.
          await lease.release();
          throw error;
        }
        if (answer.primary !== undefined) gate.merge(answer.primary);
        if (!answer.granted) {
          await lease.release();
          budgetWait.startedMs ??= now();
          budgetWait.denials += 1;
          // Jitter spreads the waiters the same expiry would otherwise wake at once.
          await deps.sleep(answer.retryInMs + deps.random() * BUDGET_JITTER_MS, signal);
          continue;
        }
        if (budgetWait.startedMs !== undefined) {
          deps.onBudgetWait({
            ...context,
            resource,
            priority: deps.budget.priority,
            denials: budgetWait.denials,
            waitedMs: now() - budgetWait.startedMs,
          });
        }
        // The fleet's view may be below this client's floor: wait (or fail) at the gate.
        // The points just taken stay spent; that errs on the side of sending less.
        if (gate.pending() !== undefined) {
          await lease.release();
          continue;
        }
      }
      return sendHoldingLease(request, token, attempt, lease);
    }
  }

  return async function execute(request: ExecuteRequest): Promise<RawResponse> {
    let renewedToken = false;
    let attempt = 0;
    for (;;) {
      attempt += 1;
      const result = await tryOnce(request, attempt);
      if (result.ok) return result.response;
      const { failure } = result;
      let { decision } = failure;
      if (decision.kind === 'renew-token') {
        if (failure.token !== undefined && !renewedToken) {
          // Not a failed attempt: the token was rotated or revoked under us.
          renewedToken = true;
          attempt -= 1;
          logger.info('GitHub refused the installation token; renewing it', context);
          await deps.tokens.renew(failure.token);
          continue;
        }
        decision = {
          kind: 'permanent',
          reason:
            failure.token === undefined
              ? 'the app credentials were refused (401)'
              : `${decision.reason}, also after renewing it`,
        };
      }
      if (decision.kind === 'permanent' || attempt >= deps.retry.maxAttempts) {
        throw new GitHubRequestError(
          failure.method,
          failure.endpoint,
          failure.status,
          attempt,
          decision,
          { cause: failure.error },
        );
      }
      if (decision.kind === 'retry') {
        // Rate-limit waits happen at the gate of the next attempt; this is the backoff.
        const delayMs = Math.max(
          computeBackoffMs(attempt, deps.retry, deps.random),
          decision.retryAfterMs ?? 0,
        );
        logger.warn('GitHub request failed; retrying', {
          ...context,
          reason: decision.reason,
          attempt,
          delayMs,
        });
        await deps.sleep(delayMs, signal);
      }
    }
  };
}

interface AttemptFailure {
  readonly error: unknown;
  /** `classifyGitHubError`'s verdict on `error`. */
  readonly decision: GitHubErrorDecision;
  readonly status: number | undefined;
  readonly method: string;
  readonly endpoint: string;
  /** The token the request carried; `undefined` when minting one failed. */
  readonly token: string | undefined;
}

type AttemptResult =
  | { readonly ok: true; readonly response: RawResponse }
  | { readonly ok: false; readonly failure: AttemptFailure };
