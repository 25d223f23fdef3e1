import { describe, expect, it } from 'vitest';

import { renderFamilyHeader, toFamilyName } from './family-header.js';

describe('renderFamilyHeader', () => {
  const counter = { name: 'x_runs_total', type: 'counter', help: 'Runs.' } as const;

  it('names a counter family with _total in the Prometheus text format, HELP first', () => {
    expect(renderFamilyHeader('prometheus', counter)).toBe(
      '# HELP x_runs_total Runs.\n# TYPE x_runs_total counter\n',
    );
  });

  it('names a counter family without _total in OpenMetrics, TYPE first', () => {
    expect(renderFamilyHeader('openmetrics', counter)).toBe(
      '# TYPE x_runs counter\n# HELP x_runs Runs.\n',
    );
    expect(toFamilyName('openmetrics', counter)).toBe('x_runs');
  });

  it('writes UNIT in OpenMetrics only when the family name ends in it', () => {
    expect(
      renderFamilyHeader('openmetrics', {
        name: 'x_duration_seconds',
        type: 'histogram',
        help: 'Took.',
        unit: 'seconds',
      }),
    ).toBe(
      '# TYPE x_duration_seconds histogram\n# UNIT x_duration_seconds seconds\n# HELP x_duration_seconds Took.\n',
    );
    expect(
      renderFamilyHeader('openmetrics', {
        name: 'x_loc_added_weekly',
        type: 'gauge',
        help: 'Lines.',
        unit: 'lines',
      }),
    ).toBe('# TYPE x_loc_added_weekly gauge\n# HELP x_loc_added_weekly Lines.\n');
  });

  it('never writes UNIT in the Prometheus text format', () => {
    expect(
      renderFamilyHeader('prometheus', {
        name: 'x_age_seconds',
        type: 'gauge',
        help: 'Age.',
        unit: 'seconds',
      }),
    ).toBe('# HELP x_age_seconds Age.\n# TYPE x_age_seconds gauge\n');
  });
});
