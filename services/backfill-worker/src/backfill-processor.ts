import { createHash } from 'node:crypto';

import type { Config, OrgConfig } from '@gse/config';
import { recordCollectorRuns, type OrgGitHubClients } from '@gse/fleet-adapters';
import { GitHubRequestError } from '@gse/github';
import {
  isCopilotBackfillResource,
  type BackfillHandler,
  type BackfillMessage,
  type BackfillOutcome,
} from '@gse/queues';
import { scrapeRepo, type ScrapeOptions } from '@gse/scrape';
import type { ActivityStore, LocFallbackBudget, RepoCheckpointStore } from '@gse/store';
import { FLEET_METRICS, type FleetTelemetry } from '@gse/telemetry';

import { discoverOrgRepos } from './discover-org-repos.js';

export interface BackfillProcessorDeps {
  readonly clients: OrgGitHubClients<OrgConfig>;
  readonly store: ActivityStore;
  readonly checkpoints: RepoCheckpointStore;
  readonly locBudget: LocFallbackBudget;
  readonly options: ScrapeOptions;
  readonly telemetry: FleetTelemetry;
  /** The service's shutdown: a scrape it aborts is handed back, not failed. */
  readonly signal: AbortSignal;
  readonly now?: () => number;
  /** Copilot messages (`@gse/copilot`), when `copilot.enabled`. */
  readonly copilot?: BackfillHandler;
}

/** The scrape options of the config (`store.retention`, `github.exclude_bots`, `loc.*`). */
export function toScrapeOptions(config: Config): ScrapeOptions {
  return {
    retentionMs: config.store.retentionMs,
    excludeBots: config.github.excludeBots,
    loc: {
      refreshIntervalMs: config.loc.refreshIntervalMs,
      statsPollAttempts: config.loc.statsPollAttempts,
      statsPollInitialDelayMs: config.loc.statsPollInitialDelayMs,
      fallbackEnabled: config.loc.fallbackEnabled,
      zeroDetectionRefreshes: config.loc.largeRepoZeroDetectionWindows,
      largeRepoCooldownMs: config.loc.largeRepoCooldownMs,
    },
  };
}

/**
 * The backfill worker's handler: re-reads one repo's window with `scrapeRepo` (the ledger is
 * idempotent by event id, so a redelivered or overlapping window only adds what is missing,
 * and series never move back in time), or splits an org-wide window into one message per
 * repo the scraper would scrape. Only the resources a message asks for are read, and the
 * window is filled when none of them is missing; `github_rejected` everywhere is a permanent failure.
 */
export function createBackfillProcessor(deps: BackfillProcessorDeps): BackfillHandler {
  const { telemetry } = deps;
  const now = deps.now ?? Date.now;
  return async (message, context) => {
    if (isCopilotBackfillResource(message.resource)) {
      if (deps.copilot) return deps.copilot(message, context);
      // Another replica may have copilot.enabled (a rollout in progress): retrying can help.
      return failed('copilot_disabled', 'copilot.enabled is false on this worker', false);
    }
    const signal = AbortSignal.any([context.signal, deps.signal]);
    const org = deps.clients.installationOf(message.org);
    if (!org) {
      // Another replica's config may know it (a rollout in progress): retrying can help.
      return failed('unknown_org', `org ${message.org} is not in github.orgs`, false);
    }
    try {
      const client = await deps.clients.clientOf(org);
      if (message.repo === undefined) {
        const repos = await discoverOrgRepos(client, org);
        return { kind: 'fanned_out', messages: repos.map((repo) => toRepoMessage(message, repo)) };
      }
      // A coalesced window ends on the grid, possibly after now: read up to now only, or
      // the series would be computed for an instant still to come.
      const nowMs = now();
      const window = { fromMs: message.window.fromMs, toMs: Math.min(message.window.toMs, nowMs) };
      if (window.fromMs >= window.toMs) return { kind: 'done' };
      const outcome = await scrapeRepo(
        {
          client,
          store: deps.store,
          checkpoints: deps.checkpoints,
          locBudget: deps.locBudget,
          options: deps.options,
          logger: context.logger,
          signal,
          now,
        },
        {
          org: message.org,
          repo: message.repo,
          window,
          // Only what the message asks for gets a request: a `loc` window reads no commits.
          ...(message.resource === 'all' ? {} : { resources: [message.resource] }),
        },
      );
      telemetry.increment(
        FLEET_METRICS.storeWrites,
        { source: 'backfill', result: 'added' },
        outcome.added,
      );
      telemetry.increment(
        FLEET_METRICS.storeWrites,
        { source: 'backfill', result: 'duplicate' },
        outcome.duplicates,
      );
      recordCollectorRuns(telemetry, message.org, outcome.collectors);
      const { missing } = outcome;
      telemetry.increment(FLEET_METRICS.repoScrapes, {
        org: message.org,
        source: 'backfill',
        result: missing.length === 0 ? 'done' : 'partial',
      });
      if (missing.length === 0) return { kind: 'done' };
      return failed(
        missing[0]?.reason ?? 'github_unavailable',
        missing.map((entry) => `${entry.resource}: ${entry.error}`).join('; '),
        missing.every((entry) => entry.reason === 'github_rejected'),
      );
    } catch (error) {
      if (signal.aborted) throw error;
      if (message.repo !== undefined) {
        telemetry.increment(FLEET_METRICS.repoScrapes, {
          org: message.org,
          source: 'backfill',
          result: 'failed',
        });
      }
      // Discovery and key reads fail here; scrape failures other than GitHub's (Redis) too.
      if (error instanceof GitHubRequestError) {
        return failed(
          error.retryable ? 'github_unavailable' : 'github_rejected',
          error.message,
          !error.retryable,
        );
      }
      return failed('worker_error', error instanceof Error ? error.message : String(error), false);
    }
  };
}

const failed = (reason: string, error: string, permanent: boolean): BackfillOutcome => ({
  kind: 'failed',
  reason,
  error,
  permanent,
});

/**
 * One repo's share of an org-wide window: a fresh ladder (attempt 1) but the org window's
 * age, and an id derived from the parent's, so a redelivered parent splits into the same ids.
 */
function toRepoMessage(parent: BackfillMessage, repo: string): BackfillMessage {
  const id = createHash('sha256').update(`${parent.id}\n${repo}`).digest('hex').slice(0, 32);
  return { ...parent, id, repo, attempt: 1 };
}
