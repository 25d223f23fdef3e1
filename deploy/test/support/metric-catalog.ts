import { ACTIVITY_LABELS, ACTIVITY_METRICS } from '@gse/activity';
import { METRIC_CATALOG } from '@gse/telemetry';

/** Labels every scraped series may carry besides its own: target labels and relabelled ones. */
const TARGET_LABELS = ['job', 'instance', 'service'];

/**
 * The per-pod job's series the rules use: prom-client's process metrics, the gateway's own
 * staleness gauge (services/metrics-gateway/src/gateway-process-metrics.ts; its name is
 * checked there by redis-outage.e2e.test.ts), and Prometheus' own `up`.
 */
const PROCESS_METRICS: Readonly<Record<string, readonly string[]>> = {
  up: [],
  process_cpu_seconds_total: [],
  process_resident_memory_bytes: [],
  gh_exporter_gateway_stale: [],
};

/**
 * Every series name PromQL may select in the rules and the dashboard, with its labels:
 * the business gauges, the fleet catalog (a histogram as its `_bucket`, `_sum`, `_count`
 * series) and the process metrics. Derived from the code's own declarations, so a renamed
 * metric breaks the deploy checks instead of silently emptying a panel or an alert.
 */
export function scrapedMetricLabels(): ReadonlyMap<string, readonly string[]> {
  const catalog = new Map<string, readonly string[]>();
  for (const metric of ACTIVITY_METRICS) catalog.set(metric.name, [...ACTIVITY_LABELS]);
  for (const metric of METRIC_CATALOG.stored) {
    if (metric.type === 'histogram') {
      catalog.set(`${metric.name}_bucket`, [...metric.labels, 'le']);
      catalog.set(`${metric.name}_sum`, metric.labels);
      catalog.set(`${metric.name}_count`, metric.labels);
    } else {
      catalog.set(metric.name, metric.labels);
    }
  }
  for (const [name, labels] of Object.entries(PROCESS_METRICS)) catalog.set(name, labels);
  return catalog;
}

/** A recorded series (`level:metric:operation`) and the expression that records it. */
export interface RecordingRule {
  readonly record: string;
  readonly expr: string;
}

/** What is wrong with the names in one PromQL expression; empty when nothing is. */
export function findUnknownNames(
  expr: string,
  scraped: ReadonlyMap<string, readonly string[]>,
  recorded: ReadonlyMap<string, readonly string[]>,
): string[] {
  // Label values ("gh.backfill.dlq", "5..") are not names.
  const code = expr.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  const problems: string[] = [];
  const labelsInScope = new Set(TARGET_LABELS);
  const selectors = [...code.matchAll(/(?<![\w:])([a-zA-Z_][\w:]*)\s*(\{[^}]*\})?/g)];
  for (const [, name = '', matchers = ''] of selectors) {
    const labels = name.includes(':') ? recorded.get(name) : scraped.get(name);
    const isMetricLike = name.includes(':') || /^(gh|process)_/.test(name) || name === 'up';
    if (!isMetricLike) continue;
    if (labels === undefined) {
      problems.push(`unknown series ${name}`);
      continue;
    }
    labels.forEach((label) => labelsInScope.add(label));
    for (const [, label = ''] of matchers.matchAll(/(\w+)\s*(?:=~|!~|!=|=)/g)) {
      if (!labels.includes(label) && !TARGET_LABELS.includes(label)) {
        problems.push(`${name} has no label ${label}`);
      }
    }
  }
  const groupings = code.matchAll(
    /\b(?:by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)/g,
  );
  for (const [, list = ''] of groupings) {
    for (const label of list
      .split(',')
      .map((l) => l.trim())
      .filter(Boolean)) {
      if (!labelsInScope.has(label)) problems.push(`no series in scope has label ${label}`);
    }
  }
  return problems;
}

/**
 * The labels each recorded series may carry: those of every series its expression selects
 * (a superset when the rule aggregates, which is what the name check needs).
 */
export function recordedMetricLabels(
  rules: readonly RecordingRule[],
  scraped: ReadonlyMap<string, readonly string[]>,
): Map<string, readonly string[]> {
  const recorded = new Map<string, readonly string[]>();
  for (const rule of rules) {
    const labels = new Set<string>();
    const code = rule.expr.replace(/"(?:[^"\\]|\\.)*"/g, '""');
    for (const [name = ''] of code.matchAll(/(?<![\w:])[a-zA-Z_][\w:]*/g)) {
      for (const label of (name.includes(':') ? recorded : scraped).get(name) ?? []) {
        labels.add(label);
      }
    }
    recorded.set(rule.record, [...labels]);
  }
  return recorded;
}
