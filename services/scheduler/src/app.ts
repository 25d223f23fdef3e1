import type { Config } from '@gse/config';
import { createService, type Service, type ServiceDeps } from '@gse/lifecycle';

/**
 * Composition root of the scheduler: its probe server (`/livez` `/readyz` `/metrics`) on
 * `services.scheduler.listen_addr`, with the start and stop every service shares.
 */
export function createScheduler({ config, logger }: ServiceDeps<Config>): Service {
  return createService({
    logger,
    probe: config.services.scheduler.listenAddr,
    shutdownTimeoutMs: config.services.shutdownTimeoutMs,
  });
}
