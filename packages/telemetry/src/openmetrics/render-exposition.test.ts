import { describe, expect, it } from 'vitest';

import { defineGauge } from '../metric-definition.js';
import type { StoredMetric } from '../read-fleet-telemetry.js';
import { renderActivityFamilies, type ActivitySeriesBlock } from './render-activity-families.js';
import { renderExposition } from './render-exposition.js';

const families = [
  { name: 'x_commits_24h', help: 'Commits.' },
  { name: 'x_loc_added_weekly', help: 'Lines.', unit: 'lines' },
];

const blocks: ActivitySeriesBlock[] = [
  { org: 'acme', repo: 'api', users: ['ann', 'bob'], values: Float64Array.of(1, 2, 10, 20) },
  {
    org: 'acme',
    repo: 'web',
    users: ['we"ird\\us\ner'],
    values: Float64Array.of(3, 30),
  },
];

const EXPECTED_ACTIVITY = [
  '# HELP x_commits_24h Commits.',
  '# TYPE x_commits_24h gauge',
  'x_commits_24h{org="acme",repo="api",user="ann"} 1',
  'x_commits_24h{org="acme",repo="api",user="bob"} 2',
  'x_commits_24h{org="acme",repo="web",user="we\\"ird\\\\us\\ner"} 3',
  '# HELP x_loc_added_weekly Lines.',
  '# TYPE x_loc_added_weekly gauge',
  'x_loc_added_weekly{org="acme",repo="api",user="ann"} 10',
  'x_loc_added_weekly{org="acme",repo="api",user="bob"} 20',
  'x_loc_added_weekly{org="acme",repo="web",user="we\\"ird\\\\us\\ner"} 30',
  '',
].join('\n');

describe('renderActivityFamilies', () => {
  it('writes each family once, its series column by column in block order', () => {
    expect([...renderActivityFamilies('prometheus', families, blocks)].join('')).toBe(
      EXPECTED_ACTIVITY,
    );
  });

  it('hands out chunks of about the asked size that add up to the same text', () => {
    const chunks = [...renderActivityFamilies('prometheus', families, blocks, 100)];
    expect(chunks.join('')).toBe(EXPECTED_ACTIVITY);
    expect(chunks.length).toBeGreaterThan(2);
    // A chunk is handed on at the first line that takes it to the size: never much beyond.
    for (const chunk of chunks.slice(0, -1)) {
      expect(chunk.length).toBeGreaterThanOrEqual(100);
      expect(chunk.length).toBeLessThan(100 + 80);
    }
  });

  it('writes only headers when there are no series', () => {
    expect([...renderActivityFamilies('openmetrics', families, [])].join('')).toBe(
      '# TYPE x_commits_24h gauge\n# HELP x_commits_24h Commits.\n' +
        '# TYPE x_loc_added_weekly gauge\n# HELP x_loc_added_weekly Lines.\n',
    );
  });
});

describe('renderExposition', () => {
  const stale = defineGauge({ name: 'x_stale', help: 'Stale.', labels: [] });
  const metrics: StoredMetric[] = [
    { definition: stale, kind: 'samples', samples: [{ labelValues: [], value: 0 }] },
  ];
  const content = { activityFamilies: families, activity: blocks, metrics };

  it('ends an OpenMetrics exposition with # EOF after the operational families', () => {
    const text = [...renderExposition('openmetrics', content)].join('');
    expect(text.endsWith('# TYPE x_stale gauge\n# HELP x_stale Stale.\nx_stale 0\n# EOF\n')).toBe(
      true,
    );
  });

  it('has no # EOF in the Prometheus text format', () => {
    const text = [...renderExposition('prometheus', content)].join('');
    expect(text).toBe(
      `${EXPECTED_ACTIVITY}# HELP x_stale Stale.\n# TYPE x_stale gauge\nx_stale 0\n`,
    );
  });
});
