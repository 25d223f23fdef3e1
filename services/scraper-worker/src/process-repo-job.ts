import { recordRepoScrape, recordRepoScrapeFailure, type ScrapeSource } from '@gse/fleet-adapters';
import {
  HISTORY_BACKFILL_REASON,
  toSlotWindow,
  type BackfillRequest,
  type RepoScrapeJob,
} from '@gse/queues';
import {
  scrapeRepo,
  storeFingerprintAfterScrape,
  toIncrementalBackfillNeeds,
  type PendingHistory,
  type RepoScrapeOutcome,
} from '@gse/scrape';
import { FLEET_METRICS } from '@gse/telemetry';
import { activeSpan, SpanStatusCode } from '@gse/tracing';

import { TryLaterError, type JobRun } from './job-adapter.js';
import type { RepoJobResult } from './org-cycle-tracker.js';
import { isOrgInCooldown, orgOf, recordCycle, type WorkerContext } from './worker-context.js';
import { toErrorMessage } from '@gse/logging';

/** What a repo job leaves in BullMQ's completed set. */
export interface RepoJobSummary {
  /**
   * `skipped`: the org was in cooldown, or the repo was renamed or left since the job was
   * queued; nothing was sent to GitHub.
   */
  readonly status: RepoScrapeOutcome['status'] | 'skipped';
  readonly added: number;
  readonly duplicates: number;
  readonly missing: number;
}

const SOURCE = 'schedule' satisfies ScrapeSource;

/**
 * One repo of an org cycle: `scrapeRepo` while holding one of the org's scrape slots, its
 * telemetry, each missing resource the next scrape will not cover (a permanent refusal:
 * `toIncrementalBackfillNeeds`) handed to backfill with its exact window, and the
 * repo's result recorded on the cycle (the last repo reports the cycle's run). A scrape
 * that throws (Redis, not GitHub: GitHub failures come back as `missing`) is retried; its
 * final failure hands the whole cycle window of the repo to backfill. An org in cooldown
 * is not scraped: the repo's cycle window goes to backfill instead.
 */
export async function processRepoJob(
  job: RepoScrapeJob,
  run: JobRun,
  context: WorkerContext,
): Promise<RepoJobSummary> {
  const { config, client } = orgOf(context, job.org);
  const { telemetry } = context;
  if (job.repoId !== undefined) {
    // A job queued before a rename would read the repo again from nothing under its old name
    // (GitHub's 301 still answers there); the cycle that saw the rename scrapes it by its new one.
    const current = (await context.repoSync.readCurrentName(job.org, job.repoId)).name;
    if (current !== job.repo) {
      await finishRepo(context, job, 'collapsed');
      run.logger.info('repo scrape skipped: renamed or departed', { currentName: current });
      return { status: 'skipped', added: 0, duplicates: 0, missing: 0 };
    }
  }
  let outcome: RepoScrapeOutcome | 'cooldown';
  try {
    const slot = await context.slots.take(config);
    try {
      // How late the org's repo work runs against its schedule: a queue that falls behind
      // (or cycles collapsing into old jobs) shows here first.
      telemetry.set(
        FLEET_METRICS.scrapeLag,
        { org: job.org },
        Math.max(0, context.now() - job.slotStartMs) / 1000,
      );
      // Checked once holding the slot: a deferred job may have outlasted a healthy org.
      outcome = (await isOrgInCooldown(context, job.org))
        ? 'cooldown'
        : await scrapeRepo(
            { ...context.scrape, client, logger: run.logger, signal: run.signal },
            {
              org: job.org,
              repo: job.repo,
              ...(job.repoId === undefined ? {} : { repoId: job.repoId }),
              ...(job.historyInBackground === undefined
                ? {}
                : { historyInBackground: job.historyInBackground }),
              ...(job.resources === undefined ? {} : { resources: job.resources }),
            },
          );
    } finally {
      await slot.release();
    }
  } catch (error) {
    if (run.signal.aborted || error instanceof TryLaterError) throw error;
    const message = toErrorMessage(error);
    run.logger.warn('repo scrape failed', { error: message, final: run.isLastAttempt });
    telemetry.increment(FLEET_METRICS.storeWrites, { source: 'scrape', result: 'failure' });
    if (run.isLastAttempt) await failRepoJob(context, job, { reason: 'scrape_failed', message });
    throw error;
  }

  if (outcome === 'cooldown') {
    await context.backfill.request([
      {
        org: job.org,
        ...repoOf(job),
        resource: 'all',
        ...toSlotWindow(job),
        reason: 'github_unhealthy',
      },
    ]);
    await finishRepo(context, job, 'failed');
    run.logger.info('repo scrape skipped during cooldown');
    return { status: 'skipped', added: 0, duplicates: 0, missing: 0 };
  }
  recordRepoScrape(telemetry, { org: job.org, repo: job.repo, source: SOURCE }, outcome);
  if (outcome.missing.length > 0) {
    // A late number starts here: `errors` mode keeps the trace of every partial scrape.
    activeSpan().setStatus({
      code: SpanStatusCode.ERROR,
      message: `missing: ${outcome.missing.map((entry) => entry.resource).join(', ')}`,
    });
  }
  if (outcome.history) await requestHistory(context, job, outcome.history);
  const needs = toIncrementalBackfillNeeds(outcome);
  if (needs.length > 0) {
    await context.backfill.request(
      needs.map((missing): BackfillRequest => ({
        org: job.org,
        ...repoOf(job),
        resource: missing.resource,
        fromMs: missing.window.fromMs,
        toMs: missing.window.toMs,
        reason: missing.reason,
        lastError: missing.error,
      })),
    );
  }
  // A read of some resources only (a quiet repo's comment reconcile) vouches for no
  // fingerprint and leaves the stored one: the repo stayed quiet.
  if (job.resources === undefined) {
    await storeFingerprintAfterScrape(context.scrape.checkpoints, job, outcome, context.now());
  }
  await finishRepo(context, job, outcome.status);
  run.logger.info('repo scraped', {
    status: outcome.status,
    added: outcome.added,
    duplicates: outcome.duplicates,
    // Comments GitHub no longer lists, and what reading back to retention for them cost.
    removed: outcome.removed,
    reconcileRequests: outcome.reconcileRequests,
    missing: outcome.missing.map((entry) => entry.resource),
  });
  return {
    status: outcome.status,
    added: outcome.added,
    duplicates: outcome.duplicates,
    missing: outcome.missing.length,
  };
}

/**
 * A repo job that failed for good, however it got there (its last attempt threw, or BullMQ
 * failed it without running it): the repo's cycle window goes to backfill, so the repo is
 * read again, its fingerprint is forgotten, so change detection reads it at the next cycle
 * whatever GitHub shows then, and its cycle counts it failed, so the cycle still completes.
 */
export async function failRepoJob(
  context: WorkerContext,
  job: RepoScrapeJob,
  failure: { readonly reason: string; readonly message: string },
): Promise<void> {
  recordRepoScrapeFailure(context.telemetry, { org: job.org, source: SOURCE });
  await context.backfill.request([
    {
      org: job.org,
      ...repoOf(job),
      resource: 'all',
      ...toSlotWindow(job),
      reason: failure.reason,
      lastError: failure.message,
    },
  ]);
  await context.scrape.checkpoints.deleteFingerprint({ org: job.org, repo: job.repo });
  await finishRepo(context, job, 'failed');
}

/**
 * Hands the history a first read left (retention → the read's start) to the backfill worker,
 * one window per resource; the first read's checkpoints counted the repo pending (a job of
 * an earlier release, without the repo id, is read but not counted). A worker that dies
 * before this is retried, and its retry asks again (a scrape reports the history while it
 * is pending).
 */
async function requestHistory(
  context: WorkerContext,
  job: RepoScrapeJob,
  history: PendingHistory,
): Promise<void> {
  await context.backfill.request(
    history.resources.map((resource): BackfillRequest => ({
      org: job.org,
      ...repoOf(job),
      resource,
      fromMs: history.window.fromMs,
      toMs: history.window.toMs,
      reason: HISTORY_BACKFILL_REASON,
    })),
  );
}

/**
 * The repo of a job's backfill windows, with its id when the job has one: the backfill
 * worker then reads it under the name it has by then, or drops the window if it left.
 */
const repoOf = (job: RepoScrapeJob): Pick<BackfillRequest, 'repo' | 'repoId'> => ({
  repo: job.repo,
  ...(job.repoId === undefined ? {} : { repoId: job.repoId }),
});

async function finishRepo(
  context: WorkerContext,
  job: RepoScrapeJob,
  result: RepoJobResult,
): Promise<void> {
  const completion = await context.cycles.finish(job.org, job.slotStartMs, job.repo, result);
  if (completion) recordCycle(context, job.org, completion);
}
