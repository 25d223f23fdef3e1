import { describe, expect, it } from 'vitest';

import {
  copilotWindowEnding,
  daysBetween,
  latestCopilotDay,
  toBackfillDays,
  toDayWindowMs,
} from './copilot-days.js';

const NOW = Date.parse('2026-12-02T17:00:00Z');

describe('Copilot days', () => {
  it('ends reports two days before today and windows 28 days back', () => {
    expect(latestCopilotDay(NOW, 2)).toBe('2026-11-30');
    expect(copilotWindowEnding('2026-11-30')).toEqual({
      startDay: '2026-11-03',
      endDay: '2026-11-30',
    });
    expect(daysBetween('2026-11-03', '2026-11-30')).toHaveLength(28);
  });

  it('asks a backfill for whole days, never one inside the lag', () => {
    const window = toDayWindowMs({ startDay: '2026-11-28', endDay: '2026-12-02' });
    expect(window).toEqual({
      fromMs: Date.parse('2026-11-28T00:00:00Z'),
      toMs: Date.parse('2026-12-03T00:00:00Z'),
    });
    expect(toBackfillDays(window, NOW, 2)).toEqual(['2026-11-28', '2026-11-29', '2026-11-30']);
    expect(
      toBackfillDays(toDayWindowMs({ startDay: '2026-12-01', endDay: '2026-12-02' }), NOW, 2),
    ).toEqual([]);
  });
});
