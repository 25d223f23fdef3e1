import type { CpuInfo } from 'node:os';

import { describe, expect, it } from 'vitest';

import { toCpuBusyShare } from './cpu-busy-share.js';

const cpu = (busyMs: number, idleMs: number): CpuInfo => ({
  model: 'test',
  speed: 0,
  times: { user: busyMs, nice: 0, sys: 0, idle: idleMs, irq: 0 },
});

describe('toCpuBusyShare', () => {
  it('is the non-idle share of every core’s elapsed time', () => {
    const before = [cpu(1000, 1000), cpu(1000, 1000)];
    // Core 0 fully busy for 100 ms, core 1 idle for 100 ms.
    const after = [cpu(1100, 1000), cpu(1000, 1100)];
    expect(toCpuBusyShare(before, after)).toBe(0.5);
  });

  it('is 0 when no time passed', () => {
    const readings = [cpu(1000, 1000)];
    expect(toCpuBusyShare(readings, readings)).toBe(0);
  });
});
