import { collectDefaultMetrics, Registry, type RegistryContentType } from 'prom-client';

/** The two exposition formats Prometheus negotiates. */
export type MetricsFormat = 'openmetrics' | 'prometheus';

/** The `Content-Type` of each format, as Prometheus expects it. */
export const METRICS_CONTENT_TYPES: Readonly<Record<MetricsFormat, RegistryContentType>> = {
  openmetrics: Registry.OPENMETRICS_CONTENT_TYPE,
  prometheus: Registry.PROMETHEUS_CONTENT_TYPE,
};

/** Something that renders a whole `/metrics` body in the format asked for. */
export interface MetricsSource {
  render(format: MetricsFormat): Promise<string>;
}

/**
 * Picks the format for an `Accept` header: the acceptable entry with the highest `q` (the
 * first listed wins a tie). OpenMetrics for `application/openmetrics-text` (versions 0.0.1
 * and 1.0.0: Prometheus 2.x offers both, they render the same here); the Prometheus text
 * format for `text/plain`, wildcards, a missing header, or nothing acceptable.
 */
export function negotiateMetricsFormat(accept: string | undefined): MetricsFormat {
  let best: { format: MetricsFormat; q: number } | undefined;
  for (const entry of (accept ?? '').split(',')) {
    const [mediaType = '', ...params] = entry.split(';').map((part) => part.trim().toLowerCase());
    const parameters = new Map(
      params.map((param) => {
        const [key = '', value = ''] = param.split('=', 2).map((part) => part.trim());
        return [key, value.replace(/^"|"$/g, '')] as const;
      }),
    );
    const format = toFormat(mediaType, parameters.get('version'));
    const q = Number(parameters.get('q') ?? '1');
    if (format && q > 0 && (!best || q > best.q)) best = { format, q };
  }
  return best?.format ?? 'prometheus';
}

function toFormat(mediaType: string, version: string | undefined): MetricsFormat | undefined {
  if (mediaType === 'application/openmetrics-text') {
    return version === undefined || version === '1.0.0' || version === '0.0.1'
      ? 'openmetrics'
      : undefined;
  }
  if (mediaType === 'text/plain') {
    return version === undefined || version === '0.0.4' ? 'prometheus' : undefined;
  }
  return mediaType === '*/*' || mediaType === 'text/*' ? 'prometheus' : undefined;
}

/**
 * A registry for one service with prom-client's process metrics (`process_*`, `nodejs_*`)
 * collected into it, never into the global default registry. Create one per service
 * instance, not per start: the default collectors keep a GC observer and an event-loop
 * histogram that prom-client offers no way to remove.
 */
export function createServiceRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}

/**
 * Renders `registry` in either format. Renders are serialised because the registry's format
 * is one mutable field, and prom-client's OpenMetrics render renames counters in place
 * (strips `_total`): the names are put back after each render so the next Prometheus-text
 * render still says `process_cpu_seconds_total`.
 */
export function createRegistryMetrics(registry: Registry): MetricsSource {
  const switchable: Registry<RegistryContentType> = registry;
  let previous: Promise<unknown> = Promise.resolve();

  async function renderNow(format: MetricsFormat): Promise<string> {
    const names = registry.getMetricsAsArray().map((metric) => [metric, metric.name] as const);
    try {
      switchable.setContentType(METRICS_CONTENT_TYPES[format]);
      return await switchable.metrics();
    } finally {
      for (const [metric, name] of names) metric.name = name;
      switchable.setContentType(Registry.PROMETHEUS_CONTENT_TYPE);
    }
  }

  return {
    render(format) {
      const rendered = previous.then(
        () => renderNow(format),
        () => renderNow(format),
      );
      previous = rendered;
      return rendered;
    },
  };
}
