import { describe, expect, it } from 'vitest';

import { renderStatusPage } from './render-status-page.js';
import { toStatusReport, type StatusContext, type StatusInputs } from './status-report.js';

const NOW_MS = Date.parse('2026-12-02T12:00:00.000Z');
const S = NOW_MS / 1000;

const context: StatusContext = {
  orgs: [
    { org: 'acme', scrapeIntervalMs: 60_000 },
    { org: 'globex', scrapeIntervalMs: 60_000 },
    { org: 'initech', scrapeIntervalMs: 60_000 },
  ],
  backfillQueues: {
    main: 'gh.backfill.jobs.v2',
    retry: ['gh.backfill.jobs.v2.retry.1m'],
    dlq: 'gh.backfill.dlq.v2',
  },
};

const sample = (labelValues: string[], value: number) => ({ labelValues, value });

const inputs: StatusInputs = {
  readAtMs: NOW_MS,
  leader: { holder: 'scheduler-a', fencingToken: '7' },
  orgHealth: {
    acme: JSON.stringify({ status: 'healthy', consecutiveFailures: 2 }),
    globex: JSON.stringify({
      status: 'cooldown',
      sinceMs: NOW_MS - 30_000,
      untilMs: NOW_MS + 90_000,
      consecutiveSuccesses: 0,
    }),
    initech: 'not json',
  },
  cycleEnds: [
    sample(['acme', 'success'], S - 42),
    sample(['acme', 'partial'], S - 10),
    sample(['globex', 'success'], S - 200),
  ],
  lag: [sample(['acme'], 1.5)],
  orgRepos: [sample(['acme', 'scraped'], 5), sample(['acme', 'archived'], 1)],
  rateLimitRemaining: [sample(['acme', '1001'], 4990)],
  rateLimitLimit: [sample(['acme', '1001'], 5000)],
  rateLimitReset: [sample(['acme', '1001'], S + 600)],
  backfillProcessed: [sample(['globex', 'skipped'], 2), sample(['globex', 'done'], 3)],
  backfillMessages: [
    sample(['gh.backfill.jobs.v2'], 4),
    sample(['gh.backfill.jobs.v2.retry.1m'], 1),
    sample(['gh.backfill.dlq.v2'], 0),
  ],
  backfillOldestAge: [sample(['gh.backfill.jobs.v2'], 12.5)],
  instances: [
    {
      service: 'backfill-worker',
      instance: 'host-a',
      startedAtMs: NOW_MS - 60_000,
      beatAtMs: NOW_MS - 2_400,
      counts: { unacked: 2 },
    },
    {
      service: 'backfill-worker',
      instance: 'host-b',
      startedAtMs: NOW_MS - 60_000,
      beatAtMs: NOW_MS,
      counts: { unacked: 1 },
    },
    { service: 'scheduler', instance: 'host-c', startedAtMs: NOW_MS, beatAtMs: NOW_MS, counts: {} },
  ],
  bullmq: [
    {
      queue: 'repo-scrapes',
      waiting: 3,
      active: 1,
      delayed: 0,
      failed: 2,
      oldestWaitingAgeMs: 4_600,
    },
  ],
  seriesByOrg: new Map([['acme', 17]]),
};

describe('toStatusReport', () => {
  it('assembles every org, queue, the leader and the instances from what the fleet stored', () => {
    const report = toStatusReport(inputs, context);
    expect(report.generatedAt).toBe('2026-12-02T12:00:00.000Z');
    expect(report.orgs).toEqual([
      {
        org: 'acme',
        health: 'healthy',
        consecutiveFailures: 2,
        cooldown: undefined,
        lastCompleteCycleAt: '2026-12-02T11:59:18.000Z',
        lastCompleteCycleAgeSeconds: 42,
        lastCycleResult: 'partial',
        freshness: 'ok',
        lagSeconds: 1.5,
        repos: 5,
        series: 17,
        rateLimits: [
          {
            installationId: '1001',
            remaining: 4990,
            limit: 5000,
            resetAt: '2026-12-02T12:10:00.000Z',
          },
        ],
        backfillProcessed: {},
      },
      {
        org: 'globex',
        health: 'cooldown',
        consecutiveFailures: 0,
        cooldown: { since: '2026-12-02T11:59:30.000Z', until: '2026-12-02T12:01:30.000Z' },
        lastCompleteCycleAt: '2026-12-02T11:56:40.000Z',
        lastCompleteCycleAgeSeconds: 200,
        lastCycleResult: 'success',
        // 200 s is past two 60 s intervals.
        freshness: 'late',
        lagSeconds: undefined,
        repos: undefined,
        series: 0,
        rateLimits: [],
        backfillProcessed: { done: 3, skipped: 2 },
      },
      {
        org: 'initech',
        health: 'unknown',
        consecutiveFailures: 0,
        cooldown: undefined,
        lastCompleteCycleAt: undefined,
        lastCompleteCycleAgeSeconds: undefined,
        lastCycleResult: undefined,
        freshness: 'never',
        lagSeconds: undefined,
        repos: undefined,
        series: 0,
        rateLimits: [],
        backfillProcessed: {},
      },
    ]);
    expect(report.queues).toEqual({
      bullmq: [
        {
          queue: 'repo-scrapes',
          waiting: 3,
          active: 1,
          delayed: 0,
          failed: 2,
          oldestWaitingAgeSeconds: 5,
        },
      ],
      backfill: [
        { queue: 'gh.backfill.jobs.v2', role: 'main', ready: 4, oldestAgeSeconds: 12.5 },
        {
          queue: 'gh.backfill.jobs.v2.retry.1m',
          role: 'retry',
          ready: 1,
          oldestAgeSeconds: undefined,
        },
        { queue: 'gh.backfill.dlq.v2', role: 'dlq', ready: 0, oldestAgeSeconds: undefined },
      ],
      backfillUnacked: 3,
    });
    expect(report.leader).toEqual({ holder: 'scheduler-a', term: 7 });
    expect(report.instances).toEqual([
      {
        service: 'backfill-worker',
        instance: 'host-a',
        startedAt: '2026-12-02T11:59:00.000Z',
        lastSeenSecondsAgo: 2,
        counts: { unacked: 2 },
      },
      {
        service: 'backfill-worker',
        instance: 'host-b',
        startedAt: '2026-12-02T11:59:00.000Z',
        lastSeenSecondsAgo: 0,
        counts: { unacked: 1 },
      },
      {
        service: 'scheduler',
        instance: 'host-c',
        startedAt: '2026-12-02T12:00:00.000Z',
        lastSeenSecondsAgo: 0,
        counts: {},
      },
    ]);
  });

  it('says when nobody leads', () => {
    const report = toStatusReport(
      { ...inputs, leader: { holder: undefined, fencingToken: '7' } },
      context,
    );
    expect(report.leader).toBeUndefined();
  });
});

describe('renderStatusPage', () => {
  it('shows every org, queue number, the leader and instances, escaping what it shows', async () => {
    const report = toStatusReport(
      { ...inputs, leader: { holder: '<b>scheduler</b>', fencingToken: '7' } },
      context,
    );
    const page = (await renderStatusPage(report)).replace(/\s+/g, ' ');
    // What a browser shows: the text of the body, one space between cells.
    const body = page.slice(page.indexOf('<body>'));
    const text = body.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
    expect(page).toContain(
      '<meta name="viewport" content="width=device-width, initial-scale=1" />',
    );
    expect(page).toContain('<meta http-equiv="refresh" content="10" />');
    expect(page).not.toContain('<script');
    expect(page).toContain('td[data-label]::before { content: attr(data-label) ": "; ');
    expect(text).toContain(
      ' acme healthy (2 failed probes) 42 s ago 2026-12-02T11:59:18.000Z partial 2 s 5 17 4990 of 5000 left, resets 2026-12-02T12:10:00.000Z – ',
    );
    expect(text).toContain(
      ' globex cooldown since 2026-12-02T11:59:30.000Z, not before 2026-12-02T12:01:30.000Z 3 min ago 2026-12-02T11:56:40.000Z success – – 0 – done 3, skipped 2 ',
    );
    expect(text).toContain(' initech unknown none yet – – – 0 – – ');
    expect(text).toContain(' repo-scrapes 3 1 0 2 5 s ');
    expect(text).toContain(' gh.backfill.jobs.v2 main 4 3 13 s ');
    expect(text).toContain(' gh.backfill.jobs.v2.retry.1m retry 1 0 – ');
    expect(text).toContain(' gh.backfill.dlq.v2 dlq 0 0 – ');
    expect(text).toContain(' &lt;b&gt;scheduler&lt;/b&gt; leads, term 7 (the fencing token). ');
    expect(text).toContain(' backfill-worker host-a 2026-12-02T11:59:00.000Z 2 s ago unacked 2 ');
    expect(text).toContain(' scheduler host-c 2026-12-02T12:00:00.000Z 0 s ago – ');
  });
});
