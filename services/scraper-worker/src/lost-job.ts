import type { Logger } from '@gse/logging';
import { decodeOrgScrapeJob, decodeRepoScrapeJob, SCRAPE_QUEUES } from '@gse/queues';
import { FLEET_METRICS } from '@gse/telemetry';
import type { Job } from 'bullmq';

import { failOrgJob } from './process-org-job.js';
import { failRepoJob } from './process-repo-job.js';
import type { WorkerContext } from './worker-context.js';

/** The backfill reason of a window whose job BullMQ failed without running it. */
const LOST_JOB_REASON = 'job_lost';

/**
 * Whether BullMQ failed `job` without running its handler: a job that stalled more than
 * `bullmq.max_stalled_count` times (its worker died, or blocked its event loop past
 * `lock_duration`, each time) carries that verdict (`deferredFailure`) and is failed by the
 * next worker that picks it up.
 */
export function isLostJob(job: Job | undefined): job is Job {
  return job?.deferredFailure !== undefined;
}

/**
 * What the handler's own final-failure path would have done for a lost job, which BullMQ
 * skipped: the window goes to backfill (the repo, or the org, is read again) and the cycle
 * counts it failed, so the cycle completes instead of waiting for a result that never comes.
 * Counted in `gh_exporter_scrape_jobs_lost_total`.
 */
export async function failLostJob(
  queue: string,
  job: Job,
  context: WorkerContext,
  logger: Logger,
): Promise<void> {
  const message = job.deferredFailure;
  if (queue === SCRAPE_QUEUES.orgs) {
    const payload = decodeOrgScrapeJob(job.data);
    context.telemetry.increment(FLEET_METRICS.scrapeJobsLost, { org: payload.org, queue });
    await failOrgJob(context, payload, {
      reason: LOST_JOB_REASON,
      message,
      startedAtMs: job.processedOn ?? context.now(),
    });
  } else {
    const payload = decodeRepoScrapeJob(job.data);
    context.telemetry.increment(FLEET_METRICS.scrapeJobsLost, { org: payload.org, queue });
    await failRepoJob(context, payload, { reason: LOST_JOB_REASON, message });
  }
  logger.warn('scrape job lost: its window goes to backfill', { queue, jobId: job.id, message });
}
