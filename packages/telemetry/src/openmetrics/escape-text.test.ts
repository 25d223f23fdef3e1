import { describe, expect, it } from 'vitest';

import { escapeHelp, escapeLabelValue } from './escape-text.js';

describe('escapeLabelValue', () => {
  it('escapes backslash, double quote and line feed, nothing else', () => {
    expect(escapeLabelValue('a\\b"c\nd\te’')).toBe('a\\\\b\\"c\\nd\te’');
  });

  it('returns the very same string when nothing needs escaping', () => {
    const login = 'octo-cat[bot]';
    expect(escapeLabelValue(login)).toBe(login);
  });
});

describe('escapeHelp', () => {
  it('leaves double quotes alone in the Prometheus text format', () => {
    expect(escapeHelp('prometheus', 'counted="false"\\\nnext')).toBe('counted="false"\\\\\\nnext');
  });

  it('escapes double quotes too in OpenMetrics', () => {
    expect(escapeHelp('openmetrics', 'counted="false"\\\nnext')).toBe(
      'counted=\\"false\\"\\\\\\nnext',
    );
  });
});
