import type { Logger } from '@gse/logging';

import {
  addProbeRoutes,
  createHttpServer,
  type HttpServer,
  type ListenAddress,
} from './http-server.js';
import {
  METRICS_CONTENT_TYPES,
  negotiateMetricsFormat,
  type MetricsSource,
} from './metrics-exposition.js';
import type { Readiness } from './readiness.js';

export interface ProbeServerOptions {
  /** Names the server in logs. */
  readonly name: string;
  readonly listen: ListenAddress;
  readonly readiness: Readiness;
  /** What `/metrics` serves. */
  readonly metrics: MetricsSource;
  readonly logger: Logger;
}

/**
 * The HTTP server of every service answering Kubernetes probes and Prometheus: `/livez`,
 * `/readyz` (see `addProbeRoutes`) and `GET /metrics`, the metrics source as OpenMetrics or
 * Prometheus text by `Accept`.
 */
export function createProbeServer(options: ProbeServerOptions): HttpServer {
  return createHttpServer({
    name: options.name,
    listen: options.listen,
    logger: options.logger,
    routes: (app) => {
      addProbeRoutes(app, options.readiness);
      app.get('/metrics', async (c) => {
        const format = negotiateMetricsFormat(c.req.header('accept'));
        const body = await options.metrics.render(format);
        return c.body(body, 200, { 'content-type': METRICS_CONTENT_TYPES[format] });
      });
    },
  });
}
