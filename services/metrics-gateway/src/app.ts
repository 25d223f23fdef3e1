import type { Config } from '@gse/config';
import { createProbeServer, createService, type Service, type ServiceDeps } from '@gse/lifecycle';

/**
 * Composition root of the metrics gateway: its probe server on
 * `services.metrics_gateway.listen_addr`, and the public endpoint Prometheus scrapes on
 * `server.listen_addr` (`/livez` `/readyz` `/metrics`). The public `/metrics` serves the
 * gateway's own registry; the fleet's series from Redis are not rendered yet.
 */
export function createMetricsGateway({ config, logger }: ServiceDeps<Config>): Service {
  return createService({
    logger,
    probe: config.services.metricsGateway.listenAddr,
    shutdownTimeoutMs: config.services.shutdownTimeoutMs,
    start: async ({ readiness, metrics, defer }) => {
      const publicServer = createProbeServer({
        name: 'public',
        listen: config.server.listenAddr,
        readiness,
        metrics,
        logger,
      });
      defer('public http server', () => publicServer.close());
      await publicServer.listen();
    },
  });
}
