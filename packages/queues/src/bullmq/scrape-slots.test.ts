import { describe, expect, it } from 'vitest';

import { toDueSlotStartMs, toSlotStartMs, toSlotWindow } from './scrape-slots.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const at = (iso: string): number => Date.parse(iso);

describe('the slot grid of org cycles', () => {
  it('puts an instant in the slot that started at the last multiple of the interval', () => {
    expect(toSlotStartMs(at('2026-12-02T10:07:59.999Z'), 5 * MINUTE)).toBe(
      at('2026-12-02T10:05:00Z'),
    );
    expect(toSlotStartMs(at('2026-12-02T10:59:59.999Z'), HOUR)).toBe(at('2026-12-02T10:00:00Z'));
  });

  it("gives a slot's first millisecond to that slot, its last to the one before", () => {
    const boundary = at('2026-12-02T10:10:00Z');
    expect(toSlotStartMs(boundary, 5 * MINUTE)).toBe(boundary);
    expect(toSlotStartMs(boundary - 1, 5 * MINUTE)).toBe(boundary - 5 * MINUTE);
  });

  it('counts slots from the epoch, so an interval that does not divide the hour is the same for every scheduler', () => {
    const sevenMinutes = 7 * MINUTE;
    const nowMs = at('2026-12-02T10:00:00Z');
    const slot = toSlotStartMs(nowMs, sevenMinutes);
    expect(slot % sevenMinutes).toBe(0);
    expect(nowMs - slot).toBeLessThan(sevenMinutes);
    expect(toSlotStartMs(nowMs + 123, sevenMinutes)).toBe(slot);
  });

  it('spans exactly one interval as a backfill window', () => {
    expect(toSlotWindow({ slotStartMs: 6 * HOUR, intervalMs: HOUR })).toEqual({
      fromMs: 6 * HOUR,
      toMs: 7 * HOUR,
    });
  });
});

describe('the slot due for scheduling', () => {
  const nowMs = at('2026-12-02T10:07:00Z');

  it('is the slot under way on a fresh fleet', () => {
    expect(toDueSlotStartMs(nowMs, 5 * MINUTE, undefined)).toBe(at('2026-12-02T10:05:00Z'));
  });

  it('is none while the slot under way was handled, the next once it starts', () => {
    const handled = at('2026-12-02T10:05:00Z');
    expect(toDueSlotStartMs(nowMs, 5 * MINUTE, handled)).toBeUndefined();
    expect(toDueSlotStartMs(at('2026-12-02T10:10:00Z'), 5 * MINUTE, handled)).toBe(
      at('2026-12-02T10:10:00Z'),
    );
  });

  it('is the slot under way after a failover longer than an interval (the missed one is not re-run)', () => {
    const handled = at('2026-12-02T09:55:00Z');
    expect(toDueSlotStartMs(nowMs, 5 * MINUTE, handled)).toBe(at('2026-12-02T10:05:00Z'));
  });

  it('waits for the next slot when a longer interval puts the slot under way before the last one handled', () => {
    const handled = at('2026-12-02T10:05:00Z'); // scheduled while the interval was 5 m
    expect(toDueSlotStartMs(nowMs, HOUR, handled)).toBeUndefined();
    expect(toDueSlotStartMs(at('2026-12-02T11:00:00Z'), HOUR, handled)).toBe(
      at('2026-12-02T11:00:00Z'),
    );
  });

  it('starts on the current slot at once when the interval shrinks', () => {
    const handled = at('2026-12-02T10:00:00Z'); // scheduled while the interval was 1 h
    expect(toDueSlotStartMs(nowMs, 5 * MINUTE, handled)).toBe(at('2026-12-02T10:05:00Z'));
  });
});
