import { Writable } from 'node:stream';

import { createLogger } from '@gse/logging';
import { createRedisFixture, type RedisFixture } from '@gse/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import {
  COPILOT_USAGE_METRICS,
  createFleetTelemetry,
  FLEET_METRICS,
  readFleetTelemetry,
  type FleetTelemetry,
} from '../src/index.js';

const logger = createLogger({
  service: 'telemetry-test',
  version: '0',
  level: 'error',
  stream: new Writable({
    write: (_chunk, _encoding, done) => {
      done();
    },
  }),
});

describe('fleet telemetry in Redis', () => {
  let fixture: RedisFixture;
  let writers: FleetTelemetry[];
  const keyOf = (name: string): string => `${fixture.keyPrefix}:telemetry:${name}`;
  const open = (): FleetTelemetry => {
    const writer = createFleetTelemetry({
      redis: fixture.redis,
      keyOf,
      logger,
      flushIntervalMs: 60_000,
    });
    writers.push(writer);
    return writer;
  };
  const read = async () =>
    readFleetTelemetry(fixture.redis, keyOf, [
      FLEET_METRICS.scrapeRuns,
      FLEET_METRICS.scrapeDuration,
      FLEET_METRICS.leaderInfo,
      FLEET_METRICS.githubRateLimitRemaining,
    ]);

  beforeEach(async () => {
    fixture = await createRedisFixture();
    writers = [];
  });
  afterEach(async () => {
    await Promise.all(writers.map((writer) => writer.close()));
    await fixture.cleanup();
  });

  it('sums counters of several processes and keeps them across restarts', async () => {
    const first = open();
    const second = open();
    first.increment(FLEET_METRICS.scrapeRuns, { org: 'acme', result: 'success' });
    first.increment(FLEET_METRICS.scrapeRuns, { org: 'acme', result: 'success' }, 2);
    second.increment(FLEET_METRICS.scrapeRuns, { org: 'acme', result: 'success' });
    second.increment(FLEET_METRICS.scrapeRuns, { org: 'a"b\\c\nd', result: 'failure' });
    await first.close();
    await second.flush();
    const restarted = open();
    restarted.increment(FLEET_METRICS.scrapeRuns, { org: 'acme', result: 'success' });
    await restarted.flush();
    const [runs] = await read();
    expect(runs?.kind === 'samples' ? runs.samples : []).toEqual(
      expect.arrayContaining([
        { labelValues: ['acme', 'success'], value: 5 },
        { labelValues: ['a"b\\c\nd', 'failure'], value: 1 },
      ]),
    );
  });

  it('keeps cumulative histogram buckets, sum and count', async () => {
    const writer = open();
    for (const seconds of [0.2, 3, 700]) {
      writer.observe(FLEET_METRICS.scrapeDuration, { org: 'acme', result: 'success' }, seconds);
    }
    await writer.flush();
    const [, duration] = await read();
    expect(duration?.kind).toBe('histogram');
    const [sample] = duration?.kind === 'histogram' ? duration.samples : [];
    expect(sample?.labelValues).toEqual(['acme', 'success']);
    expect(sample?.count).toBe(3);
    expect(sample?.sum).toBeCloseTo(703.2);
    expect(Object.fromEntries(sample?.buckets ?? [])).toMatchObject({
      '0.5': 1,
      '2.5': 1,
      '5': 2,
      '600': 2,
      '1800': 3,
      '+Inf': 3,
    });
  });

  it('sets gauges and replaces a gauge’s whole label set', async () => {
    const writer = open();
    writer.replace(FLEET_METRICS.leaderInfo, [
      { labels: { holder: 'a', fencing_token: '1' }, value: 1 },
    ]);
    writer.set(FLEET_METRICS.githubRateLimitRemaining, { org: 'acme', installation_id: '1' }, 4000);
    await writer.flush();
    writer.replace(FLEET_METRICS.leaderInfo, [
      { labels: { holder: 'b', fencing_token: '2' }, value: 1 },
    ]);
    writer.set(FLEET_METRICS.githubRateLimitRemaining, { org: 'acme', installation_id: '1' }, 3999);
    await writer.flush();
    const [, , leader, remaining] = await read();
    expect(leader?.kind === 'samples' ? leader.samples : []).toEqual([
      { labelValues: ['b', '2'], value: 1 },
    ]);
    expect(remaining?.kind === 'samples' ? remaining.samples : []).toEqual([
      { labelValues: ['acme', '1'], value: 3999 },
    ]);
  });

  // Before: a repo's field stayed in the per-repo gauge's hash after GC removed the repo.
  it('removes the series of a gauge whose labels name something gone; a later set wins', async () => {
    const writer = open();
    const gauge = FLEET_METRICS.repoLastSuccessfulScrape;
    const key = keyOf(gauge.name);
    for (const repo of ['web', 'api', 'docs']) writer.set(gauge, { org: 'acme', repo }, 100);
    await writer.flush();
    writer.remove(gauge, [
      { org: 'acme', repo: 'web' },
      { org: 'acme', repo: 'api' },
    ]);
    // Scraped again after the removal, before the flush: it stays.
    writer.set(gauge, { org: 'acme', repo: 'api' }, 200);
    await writer.flush();
    expect(await fixture.redis.hgetall(key)).toEqual({
      [JSON.stringify(['acme', 'api'])]: '200',
      [JSON.stringify(['acme', 'docs'])]: '100',
    });
  });

  it('replaces one slice of a gauge and leaves the others', async () => {
    const family = COPILOT_USAGE_METRICS[0]?.definition;
    if (!family) throw new Error('the catalog has Copilot families');
    const labels = (scope: string, org: string, user: string) => ({ scope, org, user, day: '' });
    const writer = open();
    writer.replaceWhere(family, { scope: 'org', org: 'acme' }, [
      { labels: labels('org', 'acme', 'ann'), value: 1 },
      { labels: labels('org', 'acme', 'bob'), value: 2 },
    ]);
    writer.replaceWhere(family, { scope: 'enterprise', org: 'acme' }, [
      { labels: labels('enterprise', 'acme', 'ann'), value: 3 },
    ]);
    await writer.flush();
    writer.replaceWhere(family, { scope: 'org', org: 'acme' }, [
      { labels: labels('org', 'acme', 'cid'), value: 4 },
    ]);
    await writer.flush();
    const [stored] = await readFleetTelemetry(fixture.redis, keyOf, [family]);
    const samples = stored?.kind === 'samples' ? stored.samples : [];
    expect(samples.sort((a, b) => a.value - b.value)).toEqual([
      { labelValues: ['enterprise', 'acme', 'ann', ''], value: 3 },
      { labelValues: ['org', 'acme', 'cid', ''], value: 4 },
    ]);
  });
});
