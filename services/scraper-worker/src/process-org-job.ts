import { GitHubRequestError, GitHubResponseError } from '@gse/github';
import { toSlotWindow, type OrgScrapeJob, type RepoScrapeJob } from '@gse/queues';
import { discoverRepos, syncOrgRepos, type RepoDiscovery } from '@gse/scrape';
import { FLEET_METRICS } from '@gse/telemetry';
import { UnrecoverableError } from 'bullmq';

import { TryLaterError, type JobRun } from './job-adapter.js';
import { isOrgInCooldown, orgOf, recordCycle, type WorkerContext } from './worker-context.js';
import { toErrorMessage } from '@gse/logging';

/** What an org job leaves in BullMQ's completed set. */
export interface OrgJobResult {
  readonly repos: number;
  readonly archived: number;
  readonly disabled: number;
  readonly notAllowed: number;
}

/**
 * An org cycle: discover the repos (holding one of the org's scrape slots), make the store
 * follow them by repo id (renamed repos move, departed ones go, archived and disabled ones
 * get their series recomputed without a request), record the fan-out, then one repo job per
 * repo under ids derived from (org, repo, slot), so an org job that runs twice adds nothing
 * twice. A discovery that fails for good fails the cycle
 * and hands its window to backfill; so does a cycle that finds its org in cooldown.
 */
export async function processOrgJob(
  job: OrgScrapeJob,
  run: JobRun,
  context: WorkerContext,
): Promise<OrgJobResult> {
  const { config, client } = orgOf(context, job.org);
  const startedAtMs = context.now();
  let discovery: RepoDiscovery | 'cooldown';
  try {
    const slot = await context.slots.take(config);
    try {
      // Checked once holding the slot: a deferred job may have outlasted a healthy org.
      discovery = (await isOrgInCooldown(context, job.org))
        ? 'cooldown'
        : await discoverRepos({
            client,
            org: job.org,
            allowlist: config.repoAllowlist,
            lists: context.repoLists,
          });
    } finally {
      await slot.release();
    }
  } catch (error) {
    if (run.signal.aborted || error instanceof TryLaterError) throw error;
    const permanent = isPermanent(error);
    const message = toErrorMessage(error);
    run.logger.warn('repo discovery failed', { error: message, permanent });
    if (permanent || run.isLastAttempt) {
      await failOrgJob(context, job, {
        reason: permanent ? 'github_rejected' : 'github_unavailable',
        message,
        startedAtMs,
      });
    }
    throw permanent ? new UnrecoverableError(message) : error;
  }

  const { telemetry } = context;
  if (discovery === 'cooldown') {
    await context.backfill.request([
      { org: job.org, resource: 'all', ...toSlotWindow(job), reason: 'github_unhealthy' },
    ]);
    telemetry.increment(FLEET_METRICS.scrapeRuns, { org: job.org, result: 'skipped_unhealthy' });
    run.logger.info('org cycle skipped during cooldown');
    return { repos: 0, archived: 0, disabled: 0, notAllowed: 0 };
  }
  const synced = await syncOrgRepos(
    {
      repos: context.repoSync,
      store: context.scrape.store,
      checkpoints: context.scrape.checkpoints,
    },
    job.org,
    discovery,
  );
  if (synced.renamed.length > 0 || synced.removed.length > 0) {
    run.logger.info('repos renamed or departed', {
      renamed: synced.renamed.map(({ from, to }) => `${from}→${to}`),
      departed: synced.removed,
      seriesRemoved: synced.seriesRemoved,
    });
  }
  // Archived repos changed since their last read get that one last read with the others.
  const toScrape = [...discovery.scrape, ...synced.lastReads];
  for (const [state, repos] of [
    ['scraped', discovery.scrape],
    ['archived', discovery.archived],
    ['disabled', discovery.disabled],
    ['not_allowed', discovery.notAllowed],
  ] as const) {
    telemetry.set(FLEET_METRICS.orgRepos, { org: job.org, state }, repos.length);
  }
  const completion = await context.cycles.begin(
    job.org,
    job.slotStartMs,
    toScrape.length,
    startedAtMs,
  );
  if (completion) recordCycle(context, job.org, completion);
  const { collapsed } = await context.queues.addRepoJobs(
    toScrape.map((repo): RepoScrapeJob => ({
      org: job.org,
      repo,
      ...repoIdOf(discovery, repo),
      slotStartMs: job.slotStartMs,
      intervalMs: job.intervalMs,
    })),
  );
  if (collapsed.length > 0) {
    telemetry.increment(FLEET_METRICS.repoJobsCollapsed, { org: job.org }, collapsed.length);
  }
  for (const { repo } of collapsed) {
    const collapsedCompletion = await context.cycles.finish(
      job.org,
      job.slotStartMs,
      repo,
      'collapsed',
    );
    if (collapsedCompletion) recordCycle(context, job.org, collapsedCompletion);
  }
  run.logger.info('org cycle fanned out', {
    repos: toScrape.length,
    collapsed: collapsed.length,
    archived: discovery.archived.length,
    disabled: discovery.disabled.length,
    notAllowed: discovery.notAllowed.length,
  });
  return {
    repos: toScrape.length,
    archived: discovery.archived.length,
    disabled: discovery.disabled.length,
    notAllowed: discovery.notAllowed.length,
  };
}

/**
 * An org job that failed for good, however it got there (discovery failed for the last time,
 * or BullMQ failed the job without running it): the whole cycle window goes to backfill and
 * the cycle is reported failed.
 */
export async function failOrgJob(
  context: WorkerContext,
  job: OrgScrapeJob,
  failure: { readonly reason: string; readonly message: string; readonly startedAtMs: number },
): Promise<void> {
  await context.backfill.request([
    {
      org: job.org,
      resource: 'all',
      ...toSlotWindow(job),
      reason: failure.reason,
      lastError: failure.message,
    },
  ]);
  recordCycle(context, job.org, { startedAtMs: failure.startedAtMs, result: 'failure' });
}

/** `{ repoId }` of a repo discovery admitted; every repo it hands out to scrape is one. */
function repoIdOf(discovery: RepoDiscovery, repo: string): { repoId?: number } {
  const id = discovery.admitted.find((admitted) => admitted.name === repo)?.id;
  return id === undefined ? {} : { repoId: id };
}

/** GitHub refused for good (or answered garbage): retrying the same request cannot help. */
function isPermanent(error: unknown): boolean {
  return (
    error instanceof GitHubResponseError ||
    (error instanceof GitHubRequestError && !error.retryable)
  );
}
