import type { Config } from '@gse/config';
import { createService, type Service, type ServiceDeps } from '@gse/lifecycle';

/**
 * Composition root of the scraper worker: its probe server (`/livez` `/readyz` `/metrics`) on
 * `services.scraper_worker.listen_addr`, with the start and stop every service shares.
 */
export function createScraperWorker({ config, logger }: ServiceDeps<Config>): Service {
  return createService({
    logger,
    probe: config.services.scraperWorker.listenAddr,
    shutdownTimeoutMs: config.services.shutdownTimeoutMs,
  });
}
