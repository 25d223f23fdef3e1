import { readFileSync, readdirSync } from 'node:fs';

import { parse } from 'yaml';

import type { RecordingRule } from './metric-catalog.js';
import { repoPath } from './repo-paths.js';

export interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  readonly for?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

interface RuleFile {
  readonly groups: readonly { readonly name: string; readonly rules: readonly unknown[] }[];
}

/** A Prometheus YAML file of deploy/prometheus, parsed; promtool checks its shape. */
export function readPrometheusYaml(...segments: readonly string[]): unknown {
  return parse(readFileSync(repoPath('deploy', 'prometheus', ...segments), 'utf8'));
}

/** The rule files Prometheus loads, relative to deploy/prometheus. */
export function listRuleFiles(): string[] {
  return readdirSync(repoPath('deploy', 'prometheus', 'rules'))
    .filter((name) => name.endsWith('.yml'))
    .map((name) => `rules/${name}`);
}

function rulesOf(file: string): unknown[] {
  return (readPrometheusYaml(file) as RuleFile).groups.flatMap((group) => group.rules);
}

export function readRecordingRules(): RecordingRule[] {
  return listRuleFiles()
    .flatMap(rulesOf)
    .filter((rule): rule is RecordingRule => typeof (rule as RecordingRule).record === 'string');
}

export function readAlertRules(): AlertRule[] {
  return listRuleFiles()
    .flatMap(rulesOf)
    .filter((rule): rule is AlertRule => typeof (rule as AlertRule).alert === 'string');
}
