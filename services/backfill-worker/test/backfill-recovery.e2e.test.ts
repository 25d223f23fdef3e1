import {
  BACKFILL_MESSAGE_VERSION,
  decodeBackfillMessage,
  encodeBackfillMessage,
  parseDeadLetterHeaders,
  type BackfillMessage,
} from '@gse/queues';
import { encodeOrgHealth } from '@gse/github';
import { createStoreKeys } from '@gse/store';
import { FLEET_METRICS } from '@gse/telemetry';
import { waitFor } from '@gse/testing';
import { afterEach, describe, expect, it } from 'vitest';

import { createBackfillWorld, toBackfillRequests, type BackfillWorld } from './backfill-world.js';

const COMMITS = 'GET /repos/{owner}/{repo}/commits';
const ACME = 1001;
const DAY_MS = 86_400_000;

let world: BackfillWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const decoded = (content: Buffer): BackfillMessage => {
  const result = decodeBackfillMessage(content);
  if (!result.ok) throw new Error(result.error);
  return result.message;
};

describe('backfill worker', () => {
  it('settles the windows an outage missed without a request; the next scrape makes the numbers exact', async () => {
    // acme/platform (~200 commits a day) alone would take most of the test's time.
    const w = (world = await createBackfillWorld({ repoFilter: (ref) => ref.repo !== 'platform' }));
    for (const { org, repo } of w.repos) expect((await w.scrape(org, repo)).status).toBe('done');

    // Activity between two cycles, then GitHub goes away for acme halfway through the cycle.
    const acme = w.repos.filter((ref) => ref.org === 'acme');
    const outageFrom = acme.find((ref) => ref.repo === 'mobile');
    if (!outageFrom) throw new Error('the standard dataset has acme/mobile');
    const hit = acme.slice(acme.indexOf(outageFrom));
    for (const ref of [outageFrom, acme.at(-1) ?? outageFrom]) {
      w.simulator.addCommit(ref, { authorLogin: 'newcomer', additions: 3, deletions: 1 });
      const pull = w.simulator.openPull(ref, { user: 'newcomer' });
      w.simulator.addIssueComment(ref, pull.number, { user: 'reviewer-one' });
    }
    w.nowMs = Date.now();
    const outcomes = [];
    for (const ref of w.repos) {
      if (ref === outageFrom) w.simulator.startOutage({ org: 'acme' });
      outcomes.push(await w.scrape(ref.org, ref.repo));
    }
    w.simulator.clearFaults();
    const missed = outcomes.flatMap(toBackfillRequests);
    expect(new Set(missed.map((request) => request.repo))).toEqual(
      new Set(hit.map((ref) => ref.repo)),
    );
    expect(await w.outbox.enqueue(missed)).toEqual({
      stored: missed.length,
      deduped: 0,
      capped: 0,
    });
    expect(await w.publisher.sweep()).toEqual({ published: missed.length, stored: 0 });

    // Exactly the missed windows are in the queue (looked at, then put back).
    const queued = await w.amqp.drain(w.amqp.topology.mainQueue);
    const asWindow = (entry: {
      org: string;
      repo?: string | undefined;
      resource: string;
      fromMs: number;
      toMs: number;
      reason: string;
    }): string =>
      [entry.org, entry.repo, entry.resource, entry.fromMs, entry.toMs, entry.reason].join(' ');
    expect(
      queued
        .map((raw) => decoded(raw.content))
        .map((message) => asWindow({ ...message, ...message.window }))
        .sort(),
    ).toEqual(missed.map(asWindow).sort());
    for (const raw of queued) await w.amqp.publishRaw(w.amqp.topology.mainQueue, raw.content);
    expect(await w.readAllSeries()).not.toEqual(w.groundTruth());

    // Each missed window starts at a checkpoint the outage did not move: the next scheduled
    // scrape reads it anyway, so the worker settles it without asking GitHub. Before, it
    // re-read every window (and the scrape after the outage read them all again).
    const repoRequests = (): number =>
      Object.entries(w.simulator.counters().installations[String(ACME)]?.endpoints ?? {})
        .filter(([endpoint]) => endpoint.startsWith('GET /repos/'))
        .reduce((sum, [, counter]) => sum + counter.total, 0);
    const requestsBefore = repoRequests();
    await w.startWorker();
    await waitFor(
      async () =>
        (await w.metricValue(FLEET_METRICS.backfillProcessed, {
          org: 'acme',
          result: 'processed',
        })) >= missed.length,
      { timeoutMs: 30_000, description: 'every missed window processed' },
    );
    expect(repoRequests()).toBe(requestsBefore);
    expect(
      await w.metricValue(FLEET_METRICS.repoScrapes, {
        org: 'acme',
        source: 'backfill',
        result: 'covered',
      }),
    ).toBe(missed.length);
    expect(await w.amqp.depth(w.amqp.topology.mainQueue)).toBe(0);
    expect(await w.amqp.depth(w.amqp.topology.dlq)).toBe(0);

    // The next scheduled scrape of each repo hit reads from its checkpoint: exact again.
    for (const ref of hit) expect((await w.scrape(ref.org, ref.repo)).status).toBe('done');
    expect(await w.readAllSeries()).toEqual(w.groundTruth());
  });

  it('walks a permanently failing window through every delay into the DLQ; nothing else lands there', async () => {
    const w = (world = await createBackfillWorld());
    const acmeInstallation = w.simulator.apps.find((app) => app.org === 'acme')?.installationId;
    w.simulator.injectErrors({ org: 'acme', endpoint: COMMITS, status: 503, count: 1000 });
    await w.startWorker();
    const window = { fromMs: w.nowMs - 7 * DAY_MS, toMs: w.nowMs };
    await w.outbox.enqueue([
      { org: 'acme', repo: 'docs', resource: 'commits', ...window, reason: 'github_unavailable' },
      { org: 'globex', repo: 'storefront', resource: 'commits', ...window, reason: 'rate_limited' },
    ]);
    // Garbage on the way: dead-lettered at once, and the worker keeps consuming.
    await w.amqp.publishRaw(w.amqp.topology.mainQueue, '{"not": "a backfill message"');
    await w.amqp.publishRaw(
      w.amqp.topology.mainQueue,
      JSON.stringify({ version: BACKFILL_MESSAGE_VERSION, org: 'acme', repo: 'web' }),
    );

    await waitFor(
      async () =>
        (await w.metricValue(FLEET_METRICS.backfillDeadLettered, {
          org: 'acme',
          reason: 'retries_exhausted',
        })) === 1,
      { timeoutMs: 15_000, description: 'the failing window dead-lettered' },
    );
    // Each attempt really ran: retry.max_attempts is 1, so one commits request per attempt.
    const commits =
      w.simulator.counters().installations[String(acmeInstallation)]?.endpoints[COMMITS];
    expect(commits?.total).toBe(3);
    expect(commits?.byStatus['503']).toBe(3);

    // The worker's gauges see the DLQ (refreshed every 200 ms in tests).
    const dlqLabels = { queue: w.amqp.topology.dlq };
    await waitFor(
      async () => (await w.metricValue(FLEET_METRICS.backfillQueueMessages, dlqLabels)) === 3,
      { timeoutMs: 5000, description: 'the DLQ depth gauge' },
    );
    expect(
      await w.metricValue(FLEET_METRICS.backfillQueueOldestMessageAge, dlqLabels),
    ).toBeGreaterThan(0);
    const dead = await w.amqp.drain(w.amqp.topology.dlq);
    const headers = dead.map((raw) => parseDeadLetterHeaders(raw.properties.headers));
    expect(headers.map((info) => info?.reason).sort()).toEqual([
      'invalid_message',
      'invalid_message',
      'retries_exhausted',
    ]);
    const failed = dead.find(
      (raw) => raw.properties.headers?.['x-gse-dlq-reason'] === 'retries_exhausted',
    );
    expect(parseDeadLetterHeaders(failed?.properties.headers)).toMatchObject({
      attempts: 3,
      firstError: expect.stringContaining(
        'commits: GET /repos/{owner}/{repo}/commits failed with status 503',
      ) as string,
      lastError: expect.stringContaining('status 503') as string,
    });
    expect(decoded(failed?.content ?? Buffer.from(''))).toMatchObject({
      org: 'acme',
      repo: 'docs',
      resource: 'commits',
      attempt: 3,
      window,
    });
    expect(
      await w.metricValue(FLEET_METRICS.backfillRetried, {
        org: 'acme',
        reason: 'github_unavailable',
      }),
    ).toBe(2);
    expect(
      await w.metricValue(FLEET_METRICS.backfillProcessed, { org: 'globex', result: 'processed' }),
    ).toBe(1);
    expect(
      await w.metricValue(FLEET_METRICS.backfillDeadLettered, {
        org: 'acme',
        reason: 'invalid_message',
      }),
    ).toBe(1);
    expect(
      await w.metricValue(FLEET_METRICS.backfillDeadLettered, {
        org: 'unknown',
        reason: 'invalid_message',
      }),
    ).toBe(1);
  });

  // Before: the worker re-read windows of an org in cooldown, spending its budget on a
  // GitHub the scheduler had given up on for the moment.
  it('sends nothing for an org in GitHub cooldown; the window waits and runs once it ends', async () => {
    const w = (world = await createBackfillWorld({ repoFilter: (ref) => ref.org === 'acme' }));
    const orgHealthKey = createStoreKeys(w.redis.keyPrefix).orgHealth;
    await w.redis.redis.hset(
      orgHealthKey,
      'acme',
      encodeOrgHealth({
        status: 'cooldown',
        sinceMs: w.nowMs,
        untilMs: w.nowMs + DAY_MS,
        consecutiveSuccesses: 0,
      }),
    );
    const commitsOf = (): number =>
      w.simulator.counters().installations[String(ACME)]?.endpoints[COMMITS]?.total ?? 0;
    const commitsBefore = commitsOf();
    await w.startWorker();
    await w.outbox.enqueue([
      {
        org: 'acme',
        repo: 'docs',
        resource: 'commits',
        fromMs: w.nowMs - 7 * DAY_MS,
        toMs: w.nowMs,
        reason: 'manual',
      },
    ]);
    await waitFor(
      async () =>
        (await w.metricValue(FLEET_METRICS.backfillRetried, {
          org: 'acme',
          reason: 'github_unhealthy',
        })) >= 1,
      { timeoutMs: 10_000, description: 'the window put off during the cooldown' },
    );
    expect(commitsOf()).toBe(commitsBefore);

    await w.redis.redis.hdel(orgHealthKey, 'acme');
    await waitFor(
      async () =>
        (await w.metricValue(FLEET_METRICS.backfillProcessed, {
          org: 'acme',
          result: 'processed',
        })) === 1,
      { timeoutMs: 10_000, description: 'the window filled after the cooldown' },
    );
    expect(commitsOf()).toBeGreaterThan(commitsBefore);
  });

  // Before: a backfill spent an installation's budget down to min_remaining_threshold, so
  // after an outage the backfills left nothing for the schedule's next cycles.
  it('leaves the schedule its reserve of the installation budget: under the floor a window goes up the ladder as rate_limited, sending nothing more', async () => {
    const w = (world = await createBackfillWorld({ repoFilter: (ref) => ref.org === 'acme' }));
    const requestsOf = (): number =>
      Object.values(w.simulator.counters().installations[String(ACME)]?.endpoints ?? {}).reduce(
        (sum, endpoint) => sum + endpoint.total,
        0,
      );
    // 25 % of 5,000 kept back (backfill.rate_limit_reserve's default): the floor is 1,250.
    expect(w.config.backfill.rateLimitReserve).toBe(0.25);
    w.simulator.setRateLimitRemaining(ACME, 1249);
    await w.startWorker();
    const window = { fromMs: w.nowMs - 7 * DAY_MS, toMs: w.nowMs };
    await w.outbox.enqueue([
      { org: 'acme', repo: 'docs', resource: 'all', ...window, reason: 'github_unavailable' },
    ]);
    await waitFor(
      async () =>
        (await w.metricValue(FLEET_METRICS.backfillRetried, {
          org: 'acme',
          reason: 'rate_limited',
        })) === 1,
      { timeoutMs: 15_000, description: 'the first attempt put off for the reserve' },
    );
    // The first attempt learnt the budget from GitHub's answers; its later reads sent nothing.
    const learnt = requestsOf();
    await waitFor(
      async () =>
        (await w.metricValue(FLEET_METRICS.backfillDeadLettered, {
          org: 'acme',
          reason: 'retries_exhausted',
        })) === 1,
      { timeoutMs: 15_000, description: 'the window through the (test-short) ladder' },
    );
    expect(requestsOf()).toBe(learnt);
    expect(
      await w.metricValue(FLEET_METRICS.backfillRetried, { org: 'acme', reason: 'rate_limited' }),
    ).toBe(2);
    const [dead] = await w.amqp.drain(w.amqp.topology.dlq);
    expect(parseDeadLetterHeaders(dead?.properties.headers)).toMatchObject({
      lastError: expect.stringContaining("below this client's floor") as string,
    });
  });

  it('splits an org-wide window (a skipped cycle) into one backfill per repo', async () => {
    const w = (world = await createBackfillWorld());
    await w.startWorker();
    const orgWide: BackfillMessage = {
      version: BACKFILL_MESSAGE_VERSION,
      id: 'cooldown-1',
      org: 'globex',
      resource: 'all',
      // On a 15-minute grid a cooldown window can end after now: the worker reads up to now.
      window: { fromMs: w.nowMs - 30 * DAY_MS, toMs: w.nowMs + 15 * 60_000 },
      reason: 'github_unhealthy',
      attempt: 1,
      firstEnqueuedAtMs: Date.now(),
    };
    await w.amqp.publishRaw(w.amqp.topology.mainQueue, encodeBackfillMessage(orgWide));
    const globex = w.repos.filter((ref) => ref.org === 'globex');
    await waitFor(
      async () =>
        (await w.metricValue(FLEET_METRICS.backfillProcessed, {
          org: 'globex',
          result: 'processed',
        })) ===
        globex.length + 1,
      { timeoutMs: 15_000, description: 'the org window and each repo window processed' },
    );
    const series = await w.readAllSeries();
    expect(series.filter((row) => row.org === 'globex')).toEqual(
      w.groundTruth().filter((row) => row.org === 'globex'),
    );
  });
});
