import { describe, expect, it } from 'vitest';

import {
  linearUpTo,
  rankLimits,
  toScalingRows,
  toWorkerDemand,
  type FleetLimit,
  type ScalingRun,
} from './worker-scaling-report.js';

const run = (workers: number, jobs: number, seconds: number): ScalingRun => ({
  workers,
  jobs,
  seconds,
  restRequests: jobs * 8,
  restCounted: jobs * 8,
  graphqlPoints: 2,
  peakInFlight: workers,
  secondaryHits: 0,
  budgetDenied: 0,
  cpuBusyShare: 0.5,
  simulatorBusyShare: 0.2,
});

describe('toScalingRows', () => {
  it('rates each run and divides its throughput by N × the 1-worker throughput', () => {
    const rows = toScalingRows([run(1, 80, 40), run(2, 80, 20), run(4, 80, 16)]);
    expect(rows.map((row) => [row.workers, row.jobsPerSecond, row.efficiency])).toEqual([
      [1, 2, 1],
      [2, 4, 1],
      [4, 5, 0.625],
    ]);
    expect(rows[2]?.requestsPerSecond).toBe(40);
  });

  it('needs a 1-worker run that took time', () => {
    expect(() => toScalingRows([run(2, 80, 20)])).toThrow(RangeError);
    expect(() => toScalingRows([run(1, 80, 0)])).toThrow(RangeError);
  });
});

describe('linearUpTo', () => {
  it('is the most workers before the first run under the threshold', () => {
    const rows = toScalingRows([run(1, 80, 40), run(2, 80, 21), run(4, 80, 12)]);
    // 2 workers: 0.95; 4 workers: 0.83.
    expect(linearUpTo(rows, 0.9)).toBe(2);
    expect(linearUpTo(rows, 0.8)).toBe(4);
  });
});

describe('rankLimits', () => {
  const limits: FleetLimit[] = [
    { name: 'in flight (4)', demand: 'inFlight', capacity: 4 },
    { name: 'REST points (800/min)', demand: 'restPointsPerMinute', capacity: 800 },
    { name: 'REST primary (5,000/h)', demand: 'restCountedPerMinute', capacity: 5000 / 60 },
    { name: 'GraphQL points (1,800/min)', demand: 'graphqlPointsPerMinute', capacity: 1800 },
  ];

  it('ranks by the workers each limit admits, and names the first worker count over it', () => {
    const demand = {
      inFlight: 1,
      jobsInFlight: 1,
      restPointsPerMinute: 300,
      restCountedPerMinute: 10,
      graphqlPointsPerMinute: 0,
    };
    expect(
      rankLimits(demand, limits).map(({ limit, workersAdmitted, bindsAtWorkers }) => [
        limit.name,
        Number(workersAdmitted.toFixed(3)),
        bindsAtWorkers,
      ]),
    ).toEqual([
      // 800 / 300 = 2.67 workers fit: the third one is held back.
      ['REST points (800/min)', 2.667, 3],
      // Exactly 4 fit; the fifth waits for a slot.
      ['in flight (4)', 4, 5],
      ['REST primary (5,000/h)', 8.333, 9],
      // Asked for nothing, it never binds.
      ['GraphQL points (1,800/min)', Number.POSITIVE_INFINITY, undefined],
    ]);
  });

  it('says a limit binds at one worker when a single worker asks more than it allows', () => {
    const demand = toWorkerDemand(run(1, 80, 40), 1);
    // 640 REST requests in 40 s: 960 a minute, against 83.3 a minute of the primary.
    expect(demand.restCountedPerMinute).toBe(960);
    const [first] = rankLimits(demand, limits);
    expect(first?.limit.name).toBe('REST primary (5,000/h)');
    expect(first?.workersAdmitted).toBeCloseTo(5000 / 60 / 960);
    expect(first?.bindsAtWorkers).toBe(1);
  });
});
