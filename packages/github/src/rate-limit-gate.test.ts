import { describe, expect, it } from 'vitest';

import { createRateLimitGate, type RateLimitOptions } from './rate-limit-gate.js';

const options: RateLimitOptions = {
  minRemaining: 200,
  minResetBufferMs: 10_000,
  secondaryLimitBackoffMs: 60_000,
};
const startMs = Date.parse('2026-11-28T13:00:00Z');
const resetSeconds = startMs / 1000 + 1800;

const headers = (remaining: number, reset = resetSeconds) => ({
  'x-ratelimit-limit': '5000',
  'x-ratelimit-remaining': String(remaining),
  'x-ratelimit-reset': String(reset),
});

function setup(gateOptions = options) {
  let nowMs = startMs;
  const slept: number[] = [];
  const gate = createRateLimitGate(
    gateOptions,
    () => nowMs,
    (ms) => {
      slept.push(ms);
      nowMs += ms;
      return Promise.resolve();
    },
  );
  return { gate, slept, advance: (ms: number) => (nowMs += ms), now: () => nowMs };
}

describe('rate-limit gate', () => {
  it('lets requests through while the budget is above the threshold', () => {
    const { gate } = setup();
    expect(gate.observe(headers(200))).toEqual({
      limit: 5000,
      remaining: 200,
      resetAtMs: resetSeconds * 1000,
    });
    expect(gate.pending()).toBeUndefined();
  });

  it('holds requests until reset + buffer once remaining is under the threshold', async () => {
    const { gate, slept, now } = setup();
    gate.observe(headers(199));
    expect(gate.pending()).toEqual({ waitMs: 1_810_000, hold: 'primary' });
    const waits: [number, string][] = [];
    await gate.waitForClearance(new AbortController().signal, (waitMs, hold) =>
      waits.push([waitMs, hold]),
    );
    expect(waits).toEqual([[1_810_000, 'primary']]);
    expect(slept).toEqual([1_810_000]);
    expect(now()).toBe(resetSeconds * 1000 + 10_000);
    expect(gate.pending()).toBeUndefined();
  });

  it('holds on exhaustion even with a zero threshold', () => {
    const { gate, now } = setup({ ...options, minRemaining: 0 });
    gate.observe(headers(1));
    expect(gate.pending()).toBeUndefined();
    gate.observe(headers(0));
    expect(gate.pending()).toEqual({ waitMs: 1_810_000, hold: 'primary' });
    // The 403 that told of the exhaustion holds the gate until the same reset.
    gate.holdUntil(now() + 1_810_000);
    expect(gate.pending()).toEqual({ waitMs: 1_810_000, hold: 'primary' });
  });

  it('keeps its reserved share of the limit back on top of the threshold', () => {
    const { gate } = setup({ ...options, reservedShare: 0.25 });
    // 200 + 25 % of 5000 = 1450: the floor under which this client sends nothing.
    gate.observe(headers(1450));
    expect(gate.pending()).toBeUndefined();
    gate.observe(headers(1449));
    expect(gate.pending()).toEqual({ waitMs: 1_810_000, hold: 'primary' });
  });

  it('keeps the newest window and the lowest remaining of out-of-order responses', () => {
    const { gate } = setup();
    gate.observe(headers(150));
    gate.observe(headers(4000, resetSeconds - 3600)); // a late answer from the previous window
    gate.observe(headers(180)); // a late answer from this window
    expect(gate.pending()).toEqual({ waitMs: 1_810_000, hold: 'primary' });
    gate.observe(headers(4999, resetSeconds + 3600)); // the window reset
    expect(gate.pending()).toBeUndefined();
  });

  it("holds on the fleet's view merged in, by the same newest-window rule", () => {
    const { gate } = setup();
    gate.observe(headers(4000));
    // Another process saw the window nearly spent; this one has not asked GitHub since.
    gate.merge({ limit: 5000, remaining: 120, resetAtMs: resetSeconds * 1000 });
    expect(gate.pending()).toEqual({ waitMs: 1_810_000, hold: 'primary' });
    // A view from the previous window changes nothing.
    gate.merge({ limit: 5000, remaining: 5000, resetAtMs: (resetSeconds - 3600) * 1000 });
    expect(gate.pending()).toEqual({ waitMs: 1_810_000, hold: 'primary' });
    gate.merge({ limit: 5000, remaining: 4999, resetAtMs: (resetSeconds + 3600) * 1000 });
    expect(gate.pending()).toBeUndefined();
  });

  it('ignores responses without rate-limit headers', () => {
    const { gate } = setup();
    expect(gate.observe({})).toBeUndefined();
    expect(
      gate.observe({ 'x-ratelimit-remaining': 'many', 'x-ratelimit-reset': '1' }),
    ).toBeUndefined();
    expect(gate.pending()).toBeUndefined();
  });

  it('holds every request for a secondary limit, the longest hold winning', async () => {
    const { gate, slept, advance } = setup();
    gate.holdUntil(startMs + 60_000);
    gate.holdUntil(startMs + 5000);
    expect(gate.pending()).toEqual({ waitMs: 60_000, hold: 'secondary' });
    advance(20_000);
    await gate.waitForClearance(new AbortController().signal, () => undefined);
    expect(slept).toEqual([40_000]);
  });

  it('waits again when a hold arrives during a wait', async () => {
    let nowMs = startMs;
    const slept: number[] = [];
    const gate = createRateLimitGate(
      options,
      () => nowMs,
      (ms) => {
        slept.push(ms);
        nowMs += ms;
        // Another request's response lands meanwhile and extends the hold.
        if (slept.length === 1) gate.holdUntil(nowMs + 1000);
        return Promise.resolve();
      },
    );
    gate.holdUntil(startMs + 5000);
    await gate.waitForClearance(new AbortController().signal, () => undefined);
    expect(slept).toEqual([5000, 1000]);
  });

  it('rejects with the abort reason when shut down during a wait', async () => {
    const gate = createRateLimitGate(
      options,
      () => startMs,
      (_ms, signal) =>
        new Promise((_resolve, reject) => {
          signal.addEventListener('abort', () => {
            reject(signal.reason as Error);
          });
        }),
    );
    gate.holdUntil(startMs + 60_000);
    const controller = new AbortController();
    const waiting = gate.waitForClearance(controller.signal, () => undefined);
    const reason = new Error('shutting down');
    controller.abort(reason);
    await expect(waiting).rejects.toBe(reason);
  });
});
