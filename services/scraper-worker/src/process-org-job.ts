import {
  GitHubGraphqlUnsupportedError,
  GitHubRequestError,
  GitHubResponseError,
} from '@gse/github';
import { toSlotWindow, type OrgScrapeJob, type RepoScrapeJob } from '@gse/queues';
import type { OrgConfig } from '@gse/config';
import type { GitHubClient } from '@gse/github';
import {
  checkUserLogins,
  detectRepoChanges,
  discoverRepos,
  readsHistoryInBackground,
  recomputeSeries,
  planCommentReconciles,
  syncOrgRepos,
  type ChangeReason,
  type RepoChanges,
  type RepoDiscovery,
} from '@gse/scrape';
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

/** An org's repos, and which of them this cycle reads. */
interface OrgDiscovery {
  readonly discovery: RepoDiscovery;
  /** Of `discovery.scrape`: those that get a repo job, with the fingerprint to store after it. */
  readonly scrape: readonly {
    readonly name: string;
    readonly fingerprint?: string;
    /** Only these resources (`comment_reconcile`); absent: all. */
    readonly resources?: RepoScrapeJob['resources'];
    readonly reason: ChangeReason | 'every_cycle' | 'last_read' | 'comment_reconcile';
  }[];
  /** Of `discovery.scrape`: unchanged, so no request; their series are recomputed. */
  readonly quiet: readonly string[];
}

/**
 * An org cycle: discover the repos and which changed (holding one of the org's scrape
 * slots; `github.change_detection`), make the store follow them by repo id (renamed repos
 * move, departed ones go), record the fan-out, then one repo job per changed repo under ids
 * derived from (org, repo, slot), so an org job that runs twice adds nothing twice; only
 * then are the archived, disabled and unchanged repos' series recomputed without a request,
 * so the repo jobs do not wait behind thousands of quiet repos. A discovery that fails for
 * good fails the cycle and hands its window to backfill; so does a cycle that finds its org
 * in cooldown. Holding the discovery's slot it also checks its share of the logins no read
 * confirmed lately.
 */
export async function processOrgJob(
  job: OrgScrapeJob,
  run: JobRun,
  context: WorkerContext,
): Promise<OrgJobResult> {
  const { config, client } = orgOf(context, job.org);
  const startedAtMs = context.now();
  let found: OrgDiscovery | 'cooldown';
  try {
    const slot = await context.slots.take(config);
    try {
      // Checked once holding the slot: a deferred job may have outlasted a healthy org.
      found = (await isOrgInCooldown(context, job.org))
        ? 'cooldown'
        : await discoverOrg(context, job, config, client, run);
      if (found !== 'cooldown') await checkLogins(context, job, run, client);
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
  if (found === 'cooldown') {
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
    found.discovery,
    found.quiet,
  );
  const { discovery } = found;
  if (synced.renamed.length > 0 || synced.removed.length > 0) {
    run.logger.info('repos renamed or departed', {
      renamed: synced.renamed.map(({ from, to }) => `${from}→${to}`),
      departed: synced.removed,
      seriesRemoved: synced.seriesRemoved,
    });
  }
  // Archived repos changed since their last read get that one last read with the others.
  const toScrape: OrgDiscovery['scrape'] = [
    ...found.scrape,
    ...synced.lastReads.map((name) => ({ name, reason: 'last_read' as const })),
  ];
  const repoIds = new Map(discovery.admitted.map((repo) => [repo.name, repo.id]));
  const historyInBackground = readsHistoryInBackground(
    context.scrape.options,
    discovery.scrape.length,
  );
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
    toScrape.map(({ name, fingerprint, resources }): RepoScrapeJob => {
      const repoId = repoIds.get(name);
      return {
        org: job.org,
        repo: name,
        ...(repoId === undefined ? {} : { repoId }),
        ...(fingerprint === undefined ? {} : { fingerprint }),
        historyInBackground,
        ...(resources === undefined ? {} : { resources }),
        slotStartMs: job.slotStartMs,
        intervalMs: job.intervalMs,
      };
    }),
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
  await recomputeSeries(context.scrape.store, job.org, synced.toRecompute);
  run.logger.info('org cycle fanned out', {
    repos: toScrape.length,
    quiet: found.quiet.length,
    recomputed: synced.toRecompute.length,
    // Why each repo is read: `changed`, `new`, `reread`, `loc_due`, `comment_reconcile`,
    // `last_read`, `every_cycle`.
    reasons: countReasons(toScrape),
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

/**
 * The org's repos and those to read: by GraphQL change detection (one query per 100 repos,
 * only changed repos read, and of the quiet ones those due for their hourly comment
 * reconcile, only their comment lists), or with `github.change_detection: off` the REST
 * listing and every repo each cycle. A server that cannot run the query (no `/graphql`, a
 * schema without one of its fields: GitHub Enterprise Server, a simulator) gets a cycle as
 * with `off`, so the org keeps its metrics; retrying the query could not help.
 */
async function discoverOrg(
  context: WorkerContext,
  job: OrgScrapeJob,
  config: OrgConfig,
  client: GitHubClient,
  run: JobRun,
): Promise<OrgDiscovery> {
  const discoverEveryRepo = async (): Promise<OrgDiscovery> => {
    const discovery = await discoverRepos({
      client,
      org: job.org,
      allowlist: config.repoAllowlist,
      lists: context.repoLists,
    });
    const scrape = discovery.scrape.map((name) => ({ name, reason: 'every_cycle' as const }));
    return { discovery, scrape, quiet: [] };
  };
  if (context.changeDetection.mode === 'off') return discoverEveryRepo();
  let changes: RepoChanges;
  try {
    changes = await detectRepoChanges({
      client,
      checkpoints: context.scrape.checkpoints,
      org: job.org,
      allowlist: config.repoAllowlist,
      nowMs: context.now(),
      cycleIntervalMs: job.intervalMs,
      quietRepoRereadIntervalMs: context.changeDetection.quietRepoRereadIntervalMs,
      locRefreshIntervalMs: context.scrape.options.loc.refreshIntervalMs,
      retentionMs: context.scrape.options.retentionMs,
    });
  } catch (error) {
    if (!(error instanceof GitHubGraphqlUnsupportedError)) throw error;
    const { reason } = error;
    context.telemetry.increment(FLEET_METRICS.changeDetectionFallbacks, { org: job.org, reason });
    const logged = `${job.org} ${reason}`;
    if (!context.changeDetection.fallbacksLogged.has(logged)) {
      context.changeDetection.fallbacksLogged.add(logged);
      run.logger.warn('change detection unavailable; reading every repo over REST', {
        reason,
        error: error.message,
      });
    }
    return discoverEveryRepo();
  }
  const { options } = context.scrape;
  const reconciles = await planCommentReconciles({
    checkpoints: context.scrape.checkpoints,
    org: job.org,
    quiet: changes.quiet,
    resources: options.resources,
    nowMs: context.now(),
    intervalMs: options.commentReconcileIntervalMs,
    cycleIntervalMs: job.intervalMs,
  });
  return {
    discovery: changes,
    scrape: [
      ...changes.changed,
      ...reconciles.reconcile.map(({ name, resources }) => ({
        name,
        resources,
        reason: 'comment_reconcile' as const,
      })),
    ],
    quiet: reconciles.quiet,
  };
}

/**
 * Holding the discovery's slot: the logins no read confirmed within
 * `github.login_check_interval`, this cycle's share of them (`checkUserLogins`). Its failure
 * costs the cycle nothing: the unconfirmed logins wait for the next interval.
 */
async function checkLogins(
  context: WorkerContext,
  job: OrgScrapeJob,
  run: JobRun,
  client: GitHubClient,
): Promise<void> {
  try {
    const result = await checkUserLogins({
      client,
      checks: context.loginChecks.checks,
      nowMs: context.now(),
      intervalMs: context.loginChecks.intervalMs,
      cycleIntervalMs: job.intervalMs,
      signal: run.signal,
    });
    if (result.checked > 0) run.logger.info('user logins checked', { ...result });
  } catch (error) {
    if (run.signal.aborted) throw error;
    run.logger.warn('user login check failed', { error: toErrorMessage(error) });
  }
}

function countReasons(repos: readonly { readonly reason: string }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { reason } of repos) counts[reason] = (counts[reason] ?? 0) + 1;
  return counts;
}

/** GitHub refused for good (or answered garbage): retrying the same request cannot help. */
function isPermanent(error: unknown): boolean {
  return (
    error instanceof GitHubResponseError ||
    (error instanceof GitHubRequestError && !error.retryable)
  );
}
