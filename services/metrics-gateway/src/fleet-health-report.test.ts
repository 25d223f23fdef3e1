import { describe, expect, it } from 'vitest';

import type { FleetHealthInputs } from './fleet-health-inputs.js';
import { age, toHealthReport, type HealthReportContext } from './fleet-health-report.js';

const NOW = Date.parse('2026-11-25T12:00:00Z');
const MINUTE = 60_000;

const inputs: FleetHealthInputs = {
  readAtMs: NOW - MINUTE,
  leader: { holder: 'scheduler-0', fencingToken: '3' },
  dependencies: [{ labelValues: ['amqp', 'backfill-worker'], value: 1 }],
  amqpBlocked: [{ labelValues: ['backfill-worker'], value: 0 }],
  orgHealthy: [{ labelValues: ['acme'], value: 1 }],
  rateLimitRemaining: [],
  rateLimitLimit: [],
  rateLimitReset: [],
  repoLastSuccess: [{ labelValues: ['acme', 'old'], value: (NOW - 20 * MINUTE) / 1000 }],
  repoIndex: [{ org: 'acme', repo: 'api', scrapedAtMs: NOW - MINUTE }],
  budgets: [],
};

const context: HealthReportContext = {
  nowMs: NOW,
  orgs: [{ org: 'acme', scrapeIntervalMs: 5 * MINUTE }],
  backfillEnabled: true,
  leaderElectionEnabled: true,
  redis: { ok: true, latencyMs: 1 },
  snapshots: {},
  inputs,
};

describe('toHealthReport', () => {
  it('marks an org degraded while one of its repos is behind, with the times', () => {
    const report = toHealthReport(context);
    expect(report.components.lastScrape['acme']).toEqual({
      status: 'degraded',
      detail:
        'latest successful repo scrape 60s ago; 2 repos, 1 not scraped successfully within 3 × scrape_interval (15m)',
      lastSuccessfulScrapeAt: '2026-11-25T11:59:00.000Z',
      ageSeconds: 60,
      repos: 2,
      staleRepos: 1,
    });
    expect(report.status).toBe('degraded');
    expect(report.checkedAt).toBe('2026-11-25T12:00:00.000Z');
  });

  it('reads every component as of the last read while Redis is unreachable', () => {
    const report = toHealthReport({
      ...context,
      redis: { ok: false, reason: 'redis connection is reconnecting (connect ECONNREFUSED)' },
    });
    expect(report.status).toBe('down');
    expect(report.components.redis.status).toBe('down');
    expect(report.components.leader.detail).toBe(
      'scheduler-0 holds the leader lock (fencing token 3) (as of 2026-11-25T11:59:00.000Z; Redis unreachable)',
    );
  });

  it('reports switched-off parts as disabled, and is ok when the rest is', () => {
    const report = toHealthReport({
      ...context,
      backfillEnabled: false,
      leaderElectionEnabled: false,
      inputs: { ...inputs, repoLastSuccess: [] },
      snapshots: {
        lastGood: {
          readAtMs: NOW - 5_000,
          activity: {
            blocks: [],
            seriesCount: 0,
            storedSeriesCount: 0,
            corruptSeries: [],
            corruptSeriesCount: 0,
          },
          fleet: [],
          malformedFleetSamples: 0,
        },
      },
    });
    expect([report.components.amqp.status, report.components.leader.status]).toEqual([
      'disabled',
      'disabled',
    ]);
    expect(report.components.metrics).toEqual({
      status: 'ok',
      detail: '0 series of 0 repos, read 5s ago',
    });
    expect(report.status).toBe('ok');
  });

  it('reports RabbitMQ degraded while it blocks the backfill worker, ok once it unblocks', () => {
    const blocked = toHealthReport({
      ...context,
      inputs: { ...inputs, amqpBlocked: [{ labelValues: ['backfill-worker'], value: 1 }] },
    });
    expect(blocked.components.amqp).toEqual({
      status: 'degraded',
      detail:
        'blocks publishing by backfill-worker (a memory or disk alarm): backfill windows wait in the Redis outbox',
    });
    expect(blocked.status).toBe('degraded');
    expect(toHealthReport(context).components.amqp).toEqual({
      status: 'ok',
      detail: 'answers backfill-worker',
    });
  });

  it("shows each org's per-minute budgets beside its rate limit", () => {
    const usage = (usedPoints: number, pointsPerWindow: number) => ({
      usedPoints,
      pointsPerWindow,
      primary: undefined,
    });
    const report = toHealthReport({
      ...context,
      inputs: {
        ...inputs,
        rateLimitRemaining: [{ labelValues: ['acme', '1001'], value: 4200 }],
        rateLimitLimit: [{ labelValues: ['acme', '1001'], value: 5000 }],
        budgets: [{ org: 'acme', rest: usage(412, 800), graphql: usage(3, 1800) }],
      },
    });
    expect(report.components.github['acme']).toEqual({
      status: 'ok',
      detail:
        'GitHub answers; rate limit 4200/5000 left; REST 412/800, GraphQL 3/1800 points in the last minute',
    });
  });

  it('says nothing is known before Redis was ever read', () => {
    const report = toHealthReport({
      ...context,
      inputs: undefined,
      redis: { ok: false, reason: 'redis connection is connecting' },
    });
    expect(report.components.github['acme']).toEqual({
      status: 'unknown',
      detail: 'Redis was never read',
    });
    expect(report.components.metrics.status).toBe('unknown');
  });
});

describe('age', () => {
  it.each([
    [0, '0s'],
    [119_000, '119s'],
    [120_000, '2m'],
    [7_199_000, '119m'],
    [7_500_000, '2h 5m'],
  ])('%s ms → %s', (ms, text) => {
    expect(age(ms)).toBe(text);
  });
});
