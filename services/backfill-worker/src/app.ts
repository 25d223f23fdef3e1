import type { Config } from '@gse/config';
import { createService, type Service, type ServiceDeps } from '@gse/lifecycle';

/**
 * Composition root of the backfill worker: its probe server (`/livez` `/readyz` `/metrics`) on
 * `services.backfill_worker.listen_addr`, with the start and stop every service shares.
 */
export function createBackfillWorker({ config, logger }: ServiceDeps<Config>): Service {
  return createService({
    logger,
    probe: config.services.backfillWorker.listenAddr,
    shutdownTimeoutMs: config.services.shutdownTimeoutMs,
  });
}
