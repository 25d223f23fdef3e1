import { createLogger } from '@gse/logging';
import { createBackfillOutbox, type BackfillRequest } from '@gse/queues';
import { createRedisBackfillState, createRetentionGc } from '@gse/store';
import { waitFor } from '@gse/testing';
import { afterEach, describe, expect, it } from 'vitest';

import { createFleetFixture, RETENTION_MS, type FleetFixture } from './fleet-fixture.js';

const DAY_MS = 86_400_000;

/**
 * Keys without a TTL, each with what bounds it instead (docs/architecture.md, "Redis keys and
 * their bounds"). A key the fleet writes that has no TTL and matches none of these fails the
 * test: give it a TTL, or a bound and a row here and in the docs.
 */
const BOUNDED_WITHOUT_TTL: readonly { readonly pattern: RegExp; readonly bound: string }[] = [
  {
    pattern: /^repo:[^:]+:(events|event-users|weekly-loc|commit-loc|series|state)$/,
    bound: 'retention GC, found through `repos` or `repo-ledgers` (checked below)',
  },
  { pattern: /^repos$/, bound: 'one member per repo with series; retention GC removes them' },
  { pattern: /^repo-ledgers$/, bound: 'one member per repo with ledger keys; retention GC' },
  { pattern: /^series-count$/, bound: 'one counter' },
  {
    pattern: /^users:(logins|login-seen-at|login-holders)$/,
    bound: 'one field per user id seen within retention; retention GC forgets the others',
  },
  { pattern: /^telemetry:gh_exporter_[a-z_]+$/, bound: 'one hash per FLEET_METRICS family' },
  { pattern: /^leader:fencing-token$/, bound: 'one counter' },
  { pattern: /^schedule:(slots|org-health)$/, bound: 'one field per configured org' },
  {
    pattern: /^instances$/,
    bound: 'one member per live process; each heartbeat drops the members whose key expired',
  },
  {
    pattern: /^backfill:(messages|outbox|overflow-orgs)$|^org:[^:]+:backfill-overflow$/,
    bound: 'drained by the backfill worker’s sweep; entries enter deduped and capped per org',
  },
  {
    pattern: /^backfill:queue-age:.+$/,
    bound: 'reconciled with the queue’s depth on every gauge refresh (5 s)',
  },
];

let fixture: FleetFixture | undefined;
afterEach(async () => {
  await fixture?.cleanup();
  fixture = undefined;
});

describe('Redis keys the fleet writes', () => {
  it('each have a TTL or a known bound, after a scrape cycle, backfills and GC, also for a repo written again after GC', async () => {
    const fleet = await createFleetFixture({
      orgs: { acme: { scrape_interval: '1000ms', repo_allowlist: ['docs', 'sandbox'] } },
    });
    fixture = fleet;
    const { redis, keyPrefix } = fleet.redis;
    const metric = async (name: string, labels: readonly string[]): Promise<number> =>
      Number((await redis.hget(fleet.keys.telemetryMetric(name), JSON.stringify(labels))) ?? 0);
    const processed = (): Promise<number> =>
      metric('gh_exporter_backfill_jobs_processed_total', ['acme', 'processed']);
    const scheduler = fleet.spawn('scheduler');
    const scraper = fleet.spawn('scraper-worker');
    fleet.spawn('backfill-worker');
    await waitFor(
      async () => (await metric('gh_exporter_scrape_runs_total', ['acme', 'success'])) >= 1,
      {
        timeoutMs: 30_000,
        description: 'a successful cycle of acme',
      },
    );

    const outbox = createBackfillOutbox({
      backfill: {
        enabled: true,
        coalesceWindowMs: 0,
        dedupTtlMs: 60_000,
        maxEnqueuesPerOrgPerMinute: 100,
      },
      state: createRedisBackfillState({ redis, keyPrefix }),
      logger: createLogger({ service: 'key-bounds-test', version: '0', level: 'error' }),
    });
    const backfill = async (request: BackfillRequest, count: number): Promise<void> => {
      await outbox.enqueue([request]);
      await waitFor(async () => (await processed()) >= count, {
        timeoutMs: 20_000,
        description: `backfill ${count} processed`,
      });
    };
    const nowMs = Date.now();
    await backfill(
      {
        org: 'acme',
        repo: 'docs',
        resource: 'all',
        fromMs: nowMs - DAY_MS,
        toMs: nowMs,
        reason: 'manual',
      },
      1,
    );

    // Cycles stop, so what GC removes is not scraped back; the keys they wrote stay.
    for (const service of [scheduler, scraper]) {
      service.kill('SIGTERM');
      await service.exited(10_000);
    }
    // GC as the leader runs it, a retention later: every repo goes.
    const gc = createRetentionGc({ redis, keyPrefix, retentionMs: RETENTION_MS });
    const removed = await gc.collect(Date.now() + RETENTION_MS + DAY_MS);
    expect(removed.repos).toEqual(['acme/docs', 'acme/sandbox']);
    // A backfill writes a removed repo again (comes back after GC): its ledger is bounded too.
    await backfill(
      {
        org: 'acme',
        repo: 'docs',
        resource: 'loc',
        fromMs: nowMs - 2 * DAY_MS,
        toMs: nowMs - DAY_MS,
        reason: 'manual',
      },
      2,
    );

    const indexed = new Set([
      ...(await redis.zrange(fleet.keys.repoIndex, '0', '-1')),
      ...(await redis.zrange(fleet.keys.repoLedgers, '0', '-1')),
    ]);
    const unbounded: string[] = [];
    const seen = new Set<string>();
    let cursor = '0';
    do {
      const [next, found] = await redis.scan(cursor, 'MATCH', `${keyPrefix}:*`, 'COUNT', 500);
      cursor = next;
      for (const key of found) {
        const name = key.slice(keyPrefix.length + 1);
        seen.add(name.replace(/:\d+$/, ':<n>'));
        if ((await redis.pttl(key)) > 0) continue;
        const row = BOUNDED_WITHOUT_TTL.find((entry) => entry.pattern.test(name));
        const repo = /^repo:([^:]+):/.exec(name)?.[1];
        if (!row || (repo !== undefined && !indexed.has(repo))) unbounded.push(name);
      }
    } while (cursor !== '0');
    expect(unbounded).toEqual([]);
    // The run wrote what it is meant to cover: ledgers, GC's indexes, the backfill state.
    for (const name of [
      'repo:acme/docs:weekly-loc',
      'repo-ledgers',
      // GraphQL change detection (the default) keeps the org's id → name map, not the REST list.
      'org:acme:repo-names',
      'schedule:slots',
      'leader:fencing-token',
    ]) {
      expect(seen).toContain(name);
    }
  }, 120_000);
});
