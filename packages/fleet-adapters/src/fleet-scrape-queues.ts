import type { Config } from '@gse/config';
import type { ServiceScope } from '@gse/lifecycle';
import { createScrapeQueues, type ScrapeQueues } from '@gse/queues';
import type { Redis } from 'ioredis';

/** The fleet's BullMQ scrape queues on `bullmq.*` of the config, closed with the scope. */
export function openFleetScrapeQueues(options: {
  readonly bullmq: Config['bullmq'];
  readonly redis: Redis;
  readonly scope: Pick<ServiceScope, 'defer'>;
}): ScrapeQueues {
  const { bullmq } = options;
  const queues = createScrapeQueues({
    connection: options.redis,
    prefix: bullmq.prefix,
    jobAttempts: bullmq.jobAttempts,
    keepCompletedMs: bullmq.keepCompletedMs,
    keepFailedMs: bullmq.keepFailedMs,
  });
  options.scope.defer('scrape queues', () => queues.close());
  return queues;
}
