import {
  addProbeRoutes,
  createHttpAccess,
  createHttpServer,
  requireAccess,
  type HttpAuthConfig,
  type HttpServer,
  type ListenAddress,
  type Readiness,
  type TlsFiles,
} from '@gse/lifecycle';
import type { Logger } from '@gse/logging';

import type { GatewayHealth } from './gateway-health.js';
import { createMetricsEndpoint, type MetricsEndpointOptions } from './metrics-endpoint.js';

export interface PublicServerOptions extends MetricsEndpointOptions {
  /** `server.listen_addr`. */
  readonly listen: ListenAddress;
  /** `server.tls`: HTTPS when both are set. */
  readonly tls: TlsFiles;
  /** `server.auth`: who may read `/metrics` (the probes stay open to the kubelet). */
  readonly auth: HttpAuthConfig;
  readonly readiness: Readiness;
  readonly health: GatewayHealth;
  readonly logger: Logger;
}

/** The endpoint Prometheus and people use: `/metrics`, `/livez`, `/readyz`, `/healthz`. */
export function createPublicServer(options: PublicServerOptions): HttpServer {
  return createHttpServer({
    name: 'public',
    listen: options.listen,
    tls: options.tls,
    logger: options.logger,
    routes: (app) => {
      addProbeRoutes(app, options.readiness);
      app.get('/healthz', async (c) => {
        const report = await options.health.report();
        return c.json(report, report.status === 'down' ? 503 : 200);
      });
      app.get(
        '/metrics',
        requireAccess(createHttpAccess(options.auth, 'metrics')),
        createMetricsEndpoint(options),
      );
    },
  });
}
