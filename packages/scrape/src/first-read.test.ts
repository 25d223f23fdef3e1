import { describe, expect, it } from 'vitest';

import {
  readsHistoryInBackground,
  toCompletedHistory,
  toHistoryReadFromMs,
  toHistoryWindow,
} from './first-read.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const nowMs = Date.parse('2026-11-28T13:00:00Z');
const at = { nowMs, retentionMs: 30 * DAY, historyInBackground: true };

describe('toHistoryReadFromMs', () => {
  it('starts a repo never read at the 24 h window, and keeps a pending start', () => {
    expect(toHistoryReadFromMs({}, at)).toBe(nowMs - DAY);
    expect(toHistoryReadFromMs({ historyReadFromMs: nowMs - 3 * DAY }, at)).toBe(nowMs - 3 * DAY);
  });

  it('reads back to retention as today for a repo read before, complete, or without background history', () => {
    expect(toHistoryReadFromMs({ commitsSyncedAtMs: nowMs - HOUR }, at)).toBeUndefined();
    expect(toHistoryReadFromMs({ locRefreshedAtMs: nowMs - HOUR }, at)).toBeUndefined();
    expect(toHistoryReadFromMs({ historyReadFromMs: 0 }, at)).toBeUndefined();
    expect(toHistoryReadFromMs({}, { ...at, historyInBackground: false })).toBeUndefined();
    expect(toHistoryReadFromMs({}, { ...at, retentionMs: DAY })).toBeUndefined();
  });
});

describe('readsHistoryInBackground', () => {
  it('leaves history to the backfill worker from the configured org size on', () => {
    const options = { historyInBackground: true, historyInBackgroundMinRepos: 100 };
    expect(readsHistoryInBackground(options, 99)).toBe(false);
    expect(readsHistoryInBackground(options, 100)).toBe(true);
    expect(readsHistoryInBackground({ ...options, historyInBackgroundMinRepos: 0 }, 0)).toBe(true);
    expect(readsHistoryInBackground({ ...options, historyInBackground: false }, 10_000)).toBe(
      false,
    );
    expect(readsHistoryInBackground({}, 10_000)).toBe(false);
  });
});

describe('toHistoryWindow', () => {
  it('is retention as of the first read, up to its start', () => {
    expect(toHistoryWindow(nowMs - DAY, 30 * DAY)).toEqual({
      fromMs: nowMs - 30 * DAY,
      toMs: nowMs - DAY,
    });
  });
});

describe('toCompletedHistory', () => {
  const historyReadFromMs = nowMs - 2 * DAY;
  const history = { ...at, historyReadFromMs };
  const window = { fromMs: nowMs - 31 * DAY, toMs: historyReadFromMs };
  const pending = ['commits', 'pulls', 'issue_comments'] as const;

  it('completes the pending resources a window read from retention up to the first read', () => {
    expect(
      toCompletedHistory(pending, { answered: ['commits', 'loc'], refused: [] }, window, history),
    ).toEqual(['commits']);
  });

  it('does not complete from a window that misses either end, unless GitHub refuses the resource', () => {
    const read = { answered: ['commits' as const], refused: ['pulls' as const] };
    expect(
      toCompletedHistory(pending, read, { ...window, fromMs: nowMs - 29 * DAY }, history),
    ).toEqual(['pulls']);
    expect(
      toCompletedHistory(pending, read, { ...window, toMs: historyReadFromMs - 1 }, history),
    ).toEqual(['pulls']);
  });
});
