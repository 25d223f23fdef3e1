import { pipeline } from 'node:stream/promises';
import { constants, createGzip } from 'node:zlib';

import type { HttpBindings } from '@hono/node-server';
import type { ActivityMetric } from '@gse/activity';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import { METRICS_CONTENT_TYPES, negotiateMetricsFormat } from '@gse/lifecycle';
import { type Logger, toErrorMessage } from '@gse/logging';
import type { Handler } from 'hono';

import type { GatewayProcessMetrics } from './gateway-process-metrics.js';
import { renderMetricsBody } from './metrics-body.js';
import { createSharedGzipRenders } from './shared-gzip-renders.js';
import { SnapshotUnavailableError, type SnapshotCache } from './snapshot-cache.js';
import { toTextChunkStream } from './text-chunk-stream.js';

export interface MetricsEndpointOptions {
  readonly snapshots: SnapshotCache;
  /** `store.max_series_budget`. */
  readonly maxSeriesBudget: number;
  /** The business families in the fleet's scope (`github.optional_resources`). */
  readonly activityFamilies: readonly ActivityMetric[];
  readonly processMetrics: GatewayProcessMetrics;
  readonly logger: Logger;
  readonly now?: () => number;
}

/**
 * `GET /metrics` (behind the server's access check): format by `Accept` (OpenMetrics 1.0.0 or Prometheus text
 * 0.0.4), gzip when `Accept-Encoding` allows it, then the body streamed chunk by chunk from
 * the shared snapshot: a million series never sit in memory as text. A gzipped body of a
 * fresh snapshot is rendered once and shared (see `SharedGzipRenders`); an uncompressed or
 * stale one is rendered per scrape with backpressure. 503 with the reason only before Redis
 * was ever read; afterwards the last good render.
 */
export function createMetricsEndpoint(
  options: MetricsEndpointOptions,
): Handler<{ Bindings: HttpBindings }> {
  const { logger } = options;
  const now = options.now ?? Date.now;
  const shared = createSharedGzipRenders({
    onRender: (format) => {
      options.processMetrics.recordRender(format, 'gzip');
    },
  });
  return async (c) => {
    const format = negotiateMetricsFormat(c.req.header('accept'));
    const gzip = acceptsGzip(c.req.header('accept-encoding'));
    let served;
    try {
      served = await options.snapshots.acquire();
    } catch (error) {
      if (!(error instanceof SnapshotUnavailableError)) throw error;
      return c.text(`${error.message}\n`, 503, { 'retry-after': '5' });
    }
    const startedMs = now();
    const outgoing = c.env.outgoing;
    outgoing.writeHead(200, {
      'content-type': METRICS_CONTENT_TYPES[format],
      vary: 'Accept, Accept-Encoding',
      ...(gzip ? { 'content-encoding': 'gzip' } : {}),
    });
    options.processMetrics.recordScrape(format, gzip ? 'gzip' : 'identity');
    const render = (): Generator<string, void, undefined> =>
      renderMetricsBody(format, served, {
        maxSeriesBudget: options.maxSeriesBudget,
        activityFamilies: options.activityFamilies,
        nowMs: startedMs,
      });
    let sent: Promise<void>;
    if (gzip && served.staleReason === undefined) {
      sent = pipeline(shared.open(format, served.snapshot, render), outgoing);
    } else {
      // A stale body carries its own age, so it is rendered for this scrape only.
      options.processMetrics.recordRender(format, gzip ? 'gzip' : 'identity');
      const body = toTextChunkStream(render());
      sent = gzip
        ? pipeline(body, createGzip({ level: constants.Z_BEST_SPEED }), outgoing)
        : pipeline(body, outgoing);
    }
    sent.then(
      () => {
        logger.debug('metrics served', { format, gzip, durationMs: now() - startedMs });
      },
      (error: unknown) => {
        const code = (error as { code?: unknown }).code;
        if (code === 'ERR_STREAM_PREMATURE_CLOSE') {
          logger.info('metrics scrape ended by the client before the body was sent', {
            format,
            durationMs: now() - startedMs,
          });
          return;
        }
        logger.error('metrics body failed', {
          format,
          error: toErrorMessage(error),
        });
        outgoing.destroy();
      },
    );
    return RESPONSE_ALREADY_SENT;
  };
}

/** True when `Accept-Encoding` lists `gzip` (or `*`) with a q above 0 and does not refuse it. */
export function acceptsGzip(acceptEncoding: string | undefined): boolean {
  let gzip: number | undefined;
  let wildcard: number | undefined;
  for (const entry of (acceptEncoding ?? '').split(',')) {
    const [coding = '', ...params] = entry.split(';').map((part) => part.trim().toLowerCase());
    const qParam = params.find((param) => param.startsWith('q='));
    const q = qParam === undefined ? 1 : Number(qParam.slice(2));
    if (coding === 'gzip' || coding === 'x-gzip') gzip = q;
    else if (coding === '*') wildcard = q;
  }
  return (gzip ?? wildcard ?? 0) > 0;
}
