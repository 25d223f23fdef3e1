import { createHash } from 'node:crypto';

import { toActivityScope } from '@gse/activity';
import type { OrgConfig } from '@gse/config';
import {
  recordRepoScrape,
  recordRepoScrapeFailure,
  type FleetScrapeDeps,
  type OrgGitHubClients,
} from '@gse/fleet-adapters';
import { GitHubRequestError, isScrapingAllowed, type OrgHealth } from '@gse/github';
import { toErrorMessage } from '@gse/logging';
import {
  isCopilotBackfillResource,
  resolveBackfillRepo,
  type BackfillHandler,
  type BackfillMessage,
  type BackfillOutcome,
} from '@gse/queues';
import { discoverRepos, scrapeRepo, toMissingReason, toUncoveredResources } from '@gse/scrape';
import type { HistoryPendingStore, OrgRepoSync } from '@gse/store';
import { FLEET_METRICS, type FleetTelemetry } from '@gse/telemetry';
import { toTraceCarrier } from '@gse/tracing';

export interface BackfillProcessorDeps {
  readonly clients: OrgGitHubClients<OrgConfig>;
  readonly scrape: FleetScrapeDeps;
  /** Each org's repos by GitHub id, as its last cycle synced them (`createOrgRepoSync`). */
  readonly repoNames: Pick<OrgRepoSync, 'readCurrentName'>;
  /** Repos whose history is pending: one leaves when its history is in, or it left the org. */
  readonly historyPending: Pick<HistoryPendingStore, 'remove'>;
  readonly telemetry: FleetTelemetry;
  /** The org's GitHub health as the scheduler's leader keeps it (`decodeOrgHealth` of `orgHealth`). */
  readonly orgHealth: (org: string) => Promise<OrgHealth>;
  /** The service's shutdown: a scrape it aborts is handed back, not failed. */
  readonly signal: AbortSignal;
  /** Default: Redis's clock (`store.readClockMs`), the anchor every process shares. */
  readonly now?: () => number;
  /** Copilot messages (`@gse/copilot`), when `copilot.enabled`. */
  readonly copilot?: BackfillHandler;
}

/**
 * The backfill worker's handler: re-reads one repo's window with `scrapeRepo` (the ledger is
 * idempotent by event id, so a redelivered or overlapping window only adds what is missing,
 * and series never move back in time), or splits an org-wide window into one message per
 * repo the scraper would scrape. Only the resources a message asks for are read, and of
 * those only the ones the next scheduled scrape does not cover (`toUncoveredResources`: the
 * checkpoint moved past the window's start); the window is filled when none of them is
 * missing; `github_rejected` everywhere is a permanent failure. A message with the repo's
 * id is read under the name the repo has now (`resolveBackfillRepo`): a rename since it was
 * queued moved the repo's series there; one for a repo that left is done with nothing to do.
 */
export function createBackfillProcessor(deps: BackfillProcessorDeps): BackfillHandler {
  const { telemetry } = deps;
  const clock = deps.now ? { now: deps.now } : {};
  const readNowMs = (): Promise<number> =>
    deps.now ? Promise.resolve(deps.now()) : deps.scrape.store.readClockMs();
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
    // A backfill spends the same installation budget as the schedule: while the org is in
    // cooldown it sends nothing, and the message waits out a retry delay instead.
    const inCooldown = async (): Promise<boolean> =>
      !isScrapingAllowed(await deps.orgHealth(message.org));
    const cooldownFailure = failed(
      'github_unhealthy',
      `org ${message.org} is in GitHub cooldown`,
      false,
    );
    try {
      if (message.repo === undefined) {
        if (await inCooldown()) return cooldownFailure;
        // The repos the scraper scrapes; read in full, as this client asks nothing conditionally.
        const { scrape, admitted } = await discoverRepos({
          client: await deps.clients.clientOf(org),
          org: org.org,
          allowlist: org.repoAllowlist,
        });
        const ids = new Map(admitted.map((repo) => [repo.name, repo.id]));
        return {
          kind: 'fanned_out',
          messages: scrape.map((repo) => toRepoMessage(message, repo, ids.get(repo))),
        };
      }
      const target = resolveBackfillRepo(
        { repo: message.repo, repoId: message.repoId },
        message.repoId === undefined
          ? undefined
          : await deps.repoNames.readCurrentName(message.org, message.repoId),
      );
      if (target.kind === 'departed') {
        // Its series went with it: nothing to fill, and nothing a retry could change.
        if (message.repoId !== undefined) {
          await deps.historyPending.remove(message.org, message.repoId);
        }
        context.logger.info('backfill window dropped: the repo left the org since it was queued', {
          repoId: message.repoId,
        });
        return { kind: 'done' };
      }
      if (target.renamedFrom !== undefined) {
        context.logger.info("backfill window read under the repo's new name", {
          renamedFrom: target.renamedFrom,
          currentName: target.repo,
        });
      }
      const { repo } = target;
      // A coalesced window ends on the grid, possibly after now: read up to now only, or
      // the series would be computed for an instant still to come.
      const nowMs = await readNowMs();
      const window = { fromMs: message.window.fromMs, toMs: Math.min(message.window.toMs, nowMs) };
      if (window.fromMs >= window.toMs) return { kind: 'done' };
      const ref = { org: message.org, repo };
      const resources = toUncoveredResources(
        await deps.scrape.checkpoints.read(ref),
        message.resource === 'all'
          ? (deps.scrape.options.resources ?? toActivityScope([]).resources)
          : [message.resource],
        window,
      );
      if (resources.length === 0) {
        // The schedule's next scrape reads the window anyway: no request spent on it here.
        telemetry.increment(FLEET_METRICS.repoScrapes, {
          org: message.org,
          source: 'backfill',
          result: 'covered',
        });
        context.logger.info('backfill window covered by the next scheduled scrape');
        return { kind: 'done' };
      }
      if (await inCooldown()) return cooldownFailure;
      const outcome = await scrapeRepo(
        {
          ...deps.scrape,
          client: await deps.clients.clientOf(org),
          logger: context.logger,
          signal,
          ...clock,
        },
        {
          ...ref,
          window,
          // Only what the message asks for and the schedule will not read gets a request.
          resources,
        },
      );
      recordRepoScrape(telemetry, { org: message.org, repo, source: 'backfill' }, outcome);
      if (outcome.historyCompleted) {
        context.logger.info('repo history read: its series count back to retention');
      }
      const { missing } = outcome;
      if (missing.length === 0) return { kind: 'done' };
      return failed(
        missing[0]?.reason ?? 'github_unavailable',
        missing.map((entry) => `${entry.resource}: ${entry.error}`).join('; '),
        missing.every((entry) => entry.reason === 'github_rejected'),
      );
    } catch (error) {
      if (signal.aborted) throw error;
      if (message.repo !== undefined) {
        recordRepoScrapeFailure(telemetry, { org: message.org, source: 'backfill' });
      }
      // Discovery and key reads fail here; scrape failures other than GitHub's (Redis) too.
      if (error instanceof GitHubRequestError) {
        return failed(
          toMissingReason(error) ?? 'github_unavailable',
          error.message,
          !error.retryable,
        );
      }
      return failed('worker_error', toErrorMessage(error), false);
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
 * age, the repo's GitHub id, and an id derived from the parent's, so a redelivered parent
 * splits into the same ids.
 */
function toRepoMessage(
  parent: BackfillMessage,
  repo: string,
  repoId: number | undefined,
): BackfillMessage {
  const id = createHash('sha256').update(`${parent.id}\n${repo}`).digest('hex').slice(0, 32);
  // Each repo's window continues the trace from the span that split the org's.
  const trace = toTraceCarrier() ?? parent.trace;
  return {
    ...parent,
    id,
    repo,
    ...(repoId === undefined ? {} : { repoId }),
    attempt: 1,
    ...(trace === undefined ? {} : { trace }),
  };
}
