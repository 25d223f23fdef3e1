import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';

import { loadConfig } from '@gse/config';
import { toBackfillTopology } from '@gse/queues';

import { describe, expect, it } from 'vitest';

import {
  findUnknownNames,
  recordedMetricLabels,
  scrapedMetricLabels,
} from './support/metric-catalog.js';
import { repoPath } from './support/repo-paths.js';
import {
  listRuleFiles,
  readAlertRules,
  readPrometheusYaml,
  readRecordingRules,
} from './support/rule-files.js';
import { runTool, runToolOk } from './support/run-tool.js';

const PROMETHEUS_DIR = repoPath('deploy', 'prometheus');
const TEST_FILES = ['tests/alerts.test.yml', 'tests/recording.test.yml'];

interface PromtoolTestFile {
  readonly tests: readonly {
    readonly alert_rule_test?: readonly {
      readonly alertname: string;
      readonly exp_alerts: readonly unknown[];
    }[];
  }[];
}

/** GitHub's anchor of a Markdown heading: lower case, spaces to dashes, punctuation dropped. */
function toAnchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\w\- ]/g, '')
    .replace(/ /g, '-');
}

describe('deploy/prometheus rules', () => {
  it('pass promtool check rules', () => {
    const output = runToolOk('promtool', ['check', 'rules', ...listRuleFiles()], {
      cwd: PROMETHEUS_DIR,
    });
    expect(output).toContain('SUCCESS');
  });

  it('pass their promtool unit tests', () => {
    const run = runTool('promtool', ['test', 'rules', ...TEST_FILES], { cwd: PROMETHEUS_DIR });
    expect(`${run.stdout}${run.stderr}`).not.toContain('FAILED');
    expect(run.code).toBe(0);
  });

  it('test every alert firing at least once and staying quiet at least once', () => {
    const testFile = readPrometheusYaml('tests', 'alerts.test.yml') as PromtoolTestFile;
    const cases = testFile.tests.flatMap((test) => test.alert_rule_test ?? []);
    for (const { alert } of readAlertRules()) {
      const own = cases.filter((c) => c.alertname === alert);
      expect(own.filter((c) => c.exp_alerts.length > 0).length, `${alert} firing`).toBeGreaterThan(
        0,
      );
      expect(own.filter((c) => c.exp_alerts.length === 0).length, `${alert} quiet`).toBeGreaterThan(
        0,
      );
    }
    const alerts = new Set(readAlertRules().map((rule) => rule.alert));
    expect(cases.filter((c) => !alerts.has(c.alertname))).toEqual([]);
  });

  it('give every alert a severity, a summary, a description and a runbook section', () => {
    const runbook = readFileSync(repoPath('docs', 'runbook.md'), 'utf8');
    const anchors = new Set(
      [...runbook.matchAll(/^#{2,3} (.+)$/gm)].map(([, heading = '']) => toAnchor(heading)),
    );
    for (const rule of readAlertRules()) {
      expect(['warning', 'critical'], rule.alert).toContain(rule.labels?.['severity']);
      expect(rule.annotations?.['summary'], rule.alert).toBeTruthy();
      expect(rule.annotations?.['description'], rule.alert).toBeTruthy();
      const anchor = /^docs\/runbook\.md#([\w-]+)$/.exec(rule.annotations?.['runbook_url'] ?? '');
      expect(anchor?.[1], rule.alert).toBe(rule.alert.toLowerCase());
      expect(anchors.has(anchor?.[1] ?? ''), `${rule.alert} section in docs/runbook.md`).toBe(true);
    }
  });

  it('select only series the fleet exports, by labels they have', () => {
    const scraped = scrapedMetricLabels();
    const recorded = recordedMetricLabels(readRecordingRules(), scraped);
    const problems = [...readRecordingRules(), ...readAlertRules()].flatMap((rule) =>
      findUnknownNames(rule.expr, scraped, recorded).map(
        (problem) => `${'record' in rule ? rule.record : rule.alert}: ${problem}`,
      ),
    );
    expect(problems).toEqual([]);
  });

  it('watch the backfill queues by the names the default config gives them', () => {
    const { config } = loadConfig({
      env: { GITHUB_STATS_CONFIG: repoPath('deploy', 'compose', 'demo.yaml') },
      cwd: tmpdir(),
    });
    const exprOf = new Map(readAlertRules().map((rule) => [rule.alert, rule.expr]));
    const topology = toBackfillTopology(config.amqp, config.backfill.requeueDelaysMs);
    expect(exprOf.get('GitHubStatsBackfillBacklogOld')).toContain(`queue="${topology.mainQueue}"`);
    expect(exprOf.get('GitHubStatsBackfillDeadLetters')).toContain(`queue="${topology.dlq}"`);
  });
});

describe('deploy/prometheus scrape configs', () => {
  it('docker-compose: valid, with its rule files', () => {
    const output = runToolOk('promtool', ['check', 'config', 'prometheus.yml'], {
      cwd: PROMETHEUS_DIR,
    });
    expect(output).toContain('SUCCESS: 2 rule files found');
  });

  it('Kubernetes: valid syntax (its bearer token file exists only in the cluster)', () => {
    runToolOk('promtool', ['check', 'config', '--syntax-only', 'kubernetes/prometheus.yml'], {
      cwd: PROMETHEUS_DIR,
    });
  });

  it.each(['prometheus.yml', 'kubernetes/prometheus.yml'])(
    '%s scrapes the gateway as one logical target',
    (file) => {
      const config = readPrometheusYaml(file) as {
        scrape_configs: readonly {
          job_name: string;
          static_configs?: readonly { targets: readonly string[] }[];
        }[];
      };
      const gateway = config.scrape_configs.find((job) => job.job_name === 'github-stats-exporter');
      const targets = (gateway?.static_configs ?? []).flatMap((group) => group.targets);
      expect(targets).toHaveLength(1);
      expect(targets[0]).toMatch(/^metrics-gateway(\.github-stats-exporter\.svc)?:8080$/);
    },
  );
});
