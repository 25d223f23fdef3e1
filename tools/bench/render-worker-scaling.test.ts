import { describe, expect, it } from 'vitest';

import { renderWorkerScaling } from './render-worker-scaling.js';
import {
  rankLimits,
  toScalingRows,
  toWorkerDemand,
  type FleetLimit,
  type ScalingRun,
} from './worker-scaling-report.js';

const run = (workers: number, seconds: number, cpuBusyShare: number): ScalingRun => ({
  workers,
  jobs: 80,
  seconds,
  restRequests: 680,
  restCounted: 680,
  graphqlPoints: 2,
  peakInFlight: workers,
  secondaryHits: 0,
  budgetDenied: 0,
  cpuBusyShare,
  simulatorBusyShare: 0.1,
});

const LIMITS: FleetLimit[] = [
  { name: 'in flight (4)', demand: 'inFlight', capacity: 4 },
  { name: 'REST points (800 a minute)', demand: 'restPointsPerMinute', capacity: 800 },
];

function render(runs: ScalingRun[]): string {
  const rows = toScalingRows(runs);
  const [single] = runs;
  if (!single) throw new Error('no runs');
  return renderWorkerScaling({
    rows,
    bindings: rankLimits(toWorkerDemand(single, 1), LIMITS),
    sustained: { ...run(4, 60, 0.5), jobs: 50, restRequests: 800, budgetDenied: 20 },
    scenario: {
      repos: 80,
      latencyMs: 50,
      workerConcurrency: 1,
      restPointsPerMinute: 800,
      cores: 2,
    },
  });
}

describe('renderWorkerScaling', () => {
  it('names the limit that binds first, at one worker when one worker asks more than it allows', () => {
    // 680 requests in 40 s: 1,020 a minute against 800.
    const report = render([run(1, 40, 0.4), run(2, 20, 0.6), run(4, 10, 0.7)]);
    expect(report).toContain(
      '**Binds first: REST points (800 a minute), already at one worker: it admits 0.78 of a worker',
    );
    expect(report).toContain('; then in flight (4) at 5 workers.');
    expect(report).toContain('at least 0.9× linear up to 4 workers');
  });

  it('blames the machine when its cores were saturated where scaling fell short', () => {
    const report = render([run(1, 40, 0.4), run(2, 20, 0.6), run(4, 13, 0.95)]);
    expect(report).toContain('at least 0.9× linear only up to 2 workers');
    expect(report).toContain('this machine, not the fleet, sets the pace there');
  });
});
