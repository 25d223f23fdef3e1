import { describe, expect, it } from 'vitest';

import { defineCounter, defineGauge, defineHistogram } from '../metric-definition.js';
import type { StoredMetric } from '../read-fleet-telemetry.js';
import { renderStoredMetric } from './render-stored-metric.js';

const runs = defineCounter({ name: 'x_runs_total', help: 'Runs.', labels: ['org', 'result'] });
const leader = defineGauge({ name: 'x_leader_info', help: 'Leader.', labels: [] });
const duration = defineHistogram({
  name: 'x_duration_seconds',
  help: 'Took.',
  labels: ['org'],
  unit: 'seconds',
  buckets: [0.5, 1],
});

describe('renderStoredMetric', () => {
  it('orders samples by label values, whatever order Redis returned them in', () => {
    const metric: StoredMetric = {
      definition: runs,
      kind: 'samples',
      samples: [
        { labelValues: ['globex', 'success'], value: 1 },
        { labelValues: ['acme', 'success'], value: 7 },
        { labelValues: ['acme', 'failure'], value: 2 },
      ],
    };
    expect(renderStoredMetric('prometheus', metric)).toBe(
      [
        '# HELP x_runs_total Runs.',
        '# TYPE x_runs_total counter',
        'x_runs_total{org="acme",result="failure"} 2',
        'x_runs_total{org="acme",result="success"} 7',
        'x_runs_total{org="globex",result="success"} 1',
        '',
      ].join('\n'),
    );
    expect(renderStoredMetric('openmetrics', metric).split('\n').slice(0, 3)).toEqual([
      '# TYPE x_runs counter',
      '# HELP x_runs Runs.',
      'x_runs_total{org="acme",result="failure"} 2',
    ]);
  });

  it('writes a metric without labels and without samples', () => {
    expect(
      renderStoredMetric('prometheus', {
        definition: leader,
        kind: 'samples',
        samples: [{ labelValues: [], value: 1 }],
      }),
    ).toBe('# HELP x_leader_info Leader.\n# TYPE x_leader_info gauge\nx_leader_info 1\n');
    expect(
      renderStoredMetric('prometheus', { definition: leader, kind: 'samples', samples: [] }),
    ).toBe('# HELP x_leader_info Leader.\n# TYPE x_leader_info gauge\n');
  });

  it('writes every bucket of a histogram cumulatively, absent bounds as 0, then sum and count', () => {
    expect(
      renderStoredMetric('openmetrics', {
        definition: duration,
        kind: 'histogram',
        samples: [
          {
            labelValues: ['a"b'],
            buckets: new Map([
              ['1', 2],
              ['+Inf', 3],
            ]),
            sum: 4.5,
            count: 3,
          },
        ],
      }),
    ).toBe(
      [
        '# TYPE x_duration_seconds histogram',
        '# UNIT x_duration_seconds seconds',
        '# HELP x_duration_seconds Took.',
        'x_duration_seconds_bucket{org="a\\"b",le="0.5"} 0',
        'x_duration_seconds_bucket{org="a\\"b",le="1"} 2',
        'x_duration_seconds_bucket{org="a\\"b",le="+Inf"} 3',
        'x_duration_seconds_sum{org="a\\"b"} 4.5',
        'x_duration_seconds_count{org="a\\"b"} 3',
        '',
      ].join('\n'),
    );
  });
});
