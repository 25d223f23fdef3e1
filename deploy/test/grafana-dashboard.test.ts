import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';

import {
  findUnknownNames,
  recordedMetricLabels,
  scrapedMetricLabels,
} from './support/metric-catalog.js';
import { repoPath } from './support/repo-paths.js';
import { readRecordingRules } from './support/rule-files.js';
import { runToolOk } from './support/run-tool.js';

interface Panel {
  readonly id: number;
  readonly type: string;
  readonly title: string;
  readonly datasource?: { readonly type: string; readonly uid: string };
  readonly gridPos: {
    readonly x: number;
    readonly y: number;
    readonly w: number;
    readonly h: number;
  };
  readonly targets?: readonly { readonly expr: string; readonly datasource?: { uid: string } }[];
}

interface Dashboard {
  readonly uid: string;
  readonly panels: readonly Panel[];
  readonly templating: {
    readonly list: readonly { readonly name: string; readonly type: string }[];
  };
}

const DASHBOARD_PATH = repoPath('deploy', 'grafana', 'dashboards', 'github-stats-exporter.json');
const dashboard = JSON.parse(readFileSync(DASHBOARD_PATH, 'utf8')) as Dashboard;
const targets = dashboard.panels.flatMap((panel) =>
  (panel.targets ?? []).map((target) => ({ panel: panel.title, ...target })),
);

/**
 * The query Grafana sends: its interval variables become durations, the dashboard's own
 * variables (`$org`, `${org}`) the "All" regex.
 */
function toPromQL(expr: string): string {
  return expr
    .replaceAll('$__rate_interval', '5m')
    .replaceAll('$__interval', '1m')
    .replaceAll('$__range', '1h')
    .replace(/\$\{?\w+\}?/g, '.*');
}

const workDir = mkdtempSync(join(tmpdir(), 'gse-dashboard-'));
afterAll(() => {
  rmSync(workDir, { recursive: true, force: true });
});

describe('the Grafana dashboard', () => {
  it('has the org overview, contributor, repo, operations and Copilot rows', () => {
    const rows = dashboard.panels.filter((panel) => panel.type === 'row').map((row) => row.title);
    expect(rows).toEqual([
      'Org overview',
      'Top contributors',
      'Repo activity',
      'Operations: GitHub rate-limit budget',
      'Operations: queues and backfill',
      'Operations: scrapes',
      'Operations: fleet',
      'Copilot usage',
    ]);
  });

  it('has PromQL that promtool parses in every query', () => {
    expect(targets.length).toBeGreaterThan(30);
    // Each query as a recording rule: promtool parses and checks every expression.
    const rules = {
      groups: [
        {
          name: 'dashboard-queries',
          rules: targets.map((target, index) => ({
            record: `dashboard_query_${index}`,
            expr: toPromQL(target.expr),
          })),
        },
      ],
    };
    const file = join(workDir, 'dashboard-queries.yml');
    writeFileSync(file, JSON.stringify(rules));
    const output = runToolOk('promtool', ['check', 'rules', file], { cwd: workDir });
    expect(output).toContain(`SUCCESS: ${targets.length} rules found`);
  });

  it('queries only series the fleet exports or the recording rules record, by their labels', () => {
    const scraped = scrapedMetricLabels();
    const recorded = recordedMetricLabels(readRecordingRules(), scraped);
    const problems = targets.flatMap((target) =>
      findUnknownNames(toPromQL(target.expr), scraped, recorded).map(
        (problem) => `${target.panel}: ${problem}`,
      ),
    );
    expect(problems).toEqual([]);
  });

  it('takes its data source from a variable, so it imports into any Grafana', () => {
    expect(dashboard.templating.list.map((v) => [v.name, v.type])).toEqual([
      ['datasource', 'datasource'],
      ['org', 'query'],
    ]);
    for (const panel of dashboard.panels.filter((p) => p.type !== 'row')) {
      expect(panel.datasource?.uid, panel.title).toBe('${datasource}');
      for (const target of panel.targets ?? []) {
        expect(target.datasource?.uid, panel.title).toBe('${datasource}');
      }
    }
  });

  it('lays out panels with unique ids and without overlaps', () => {
    const ids = dashboard.panels.map((panel) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
    const cells = new Set<string>();
    for (const { gridPos, title } of dashboard.panels) {
      expect(gridPos.x + gridPos.w, title).toBeLessThanOrEqual(24);
      for (let x = gridPos.x; x < gridPos.x + gridPos.w; x += 1) {
        for (let y = gridPos.y; y < gridPos.y + gridPos.h; y += 1) {
          expect(cells.has(`${x},${y}`), `${title} overlaps at ${x},${y}`).toBe(false);
          cells.add(`${x},${y}`);
        }
      }
    }
  });

  it('is provisioned by the compose Grafana from where compose mounts it', () => {
    const provider = parse(
      readFileSync(
        repoPath('deploy', 'grafana', 'provisioning', 'dashboards', 'github-stats-exporter.yaml'),
        'utf8',
      ),
    ) as { providers: readonly { options: { path: string } }[] };
    const compose = readFileSync(repoPath('docker-compose.yml'), 'utf8');
    const path = provider.providers[0]?.options.path ?? '';
    expect(compose).toContain(`'./deploy/grafana/dashboards:${path}:ro'`);
  });
});
