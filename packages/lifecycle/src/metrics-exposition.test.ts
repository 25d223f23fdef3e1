import { Counter, register as globalRegistry, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';

import {
  createRegistryMetrics,
  createServiceRegistry,
  negotiateMetricsFormat,
} from './metrics-exposition.js';

// What Prometheus 2.42 sends when scraping (scrape_config defaults).
const PROMETHEUS_ACCEPT =
  'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';

describe('negotiateMetricsFormat', () => {
  it.each([
    [PROMETHEUS_ACCEPT, 'openmetrics'],
    ['application/openmetrics-text; version=0.0.1', 'openmetrics'],
    ['application/openmetrics-text', 'openmetrics'],
    ['text/plain;version=0.0.4', 'prometheus'],
    ['text/plain;q=0.9, application/openmetrics-text;q=0.5', 'prometheus'],
    ['application/openmetrics-text;version=2.0.0, text/plain;q=0.1', 'prometheus'],
    ['application/openmetrics-text;q=0, */*', 'prometheus'],
    ['*/*', 'prometheus'],
    ['application/json', 'prometheus'],
    ['', 'prometheus'],
    [undefined, 'prometheus'],
  ])('picks a format for Accept %j: %s', (accept, expected) => {
    expect(negotiateMetricsFormat(accept)).toBe(expected);
  });
});

describe('createRegistryMetrics', () => {
  function registryWithCounter() {
    const registry = new Registry();
    const counter = new Counter({
      name: 'gse_test_jobs_total',
      help: 'Jobs seen.',
      registers: [registry],
    });
    counter.inc(3);
    return registry;
  }

  it('renders the Prometheus text format', async () => {
    const metrics = createRegistryMetrics(registryWithCounter());
    expect(await metrics.render('prometheus')).toBe(
      '# HELP gse_test_jobs_total Jobs seen.\n# TYPE gse_test_jobs_total counter\ngse_test_jobs_total 3\n',
    );
  });

  it('renders OpenMetrics, and a later Prometheus render still has the _total name', async () => {
    const metrics = createRegistryMetrics(registryWithCounter());
    const [openMetrics, prometheus] = await Promise.all([
      metrics.render('openmetrics'),
      metrics.render('prometheus'),
    ]);
    expect(openMetrics).toBe(
      '# HELP gse_test_jobs Jobs seen.\n# TYPE gse_test_jobs counter\ngse_test_jobs_total 3\n# EOF\n',
    );
    expect(prometheus).toBe(
      '# HELP gse_test_jobs_total Jobs seen.\n# TYPE gse_test_jobs_total counter\ngse_test_jobs_total 3\n',
    );
  });
});

describe('createServiceRegistry', () => {
  it('holds the process metrics in its own registry, not the global one', async () => {
    const registry = createServiceRegistry();
    const text = await createRegistryMetrics(registry).render('prometheus');
    expect(text).toContain('# TYPE process_cpu_seconds_total counter');
    expect(text).toContain('# TYPE nodejs_eventloop_lag_seconds gauge');
    expect(globalRegistry.getMetricsAsArray()).toEqual([]);
  });
});
