import { ACTIVITY_WINDOW_MS } from '@gse/activity';
import type { BackfillRequest } from '@gse/queues';
import type { RepoScrapeOutcome } from '@gse/scrape';
import { createHistoryPendingStore } from '@gse/store';
import { waitFor } from '@gse/testing';
import { afterEach, describe, expect, it } from 'vitest';

import { createBackfillWorld, type BackfillWorld } from './backfill-world.js';

let world: BackfillWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const ORG = 'acme';

describe('a new org: first view from the last 24 h, history through the backfill worker', () => {
  it('shows exact 24 h gauges after one read, then every series exactly once the history is in', async () => {
    const w = (world = await createBackfillWorld({
      historyInBackground: true,
      repoFilter: (ref) => ref.org === ORG,
    }));
    const pending = createHistoryPendingStore({
      redis: w.redis.redis,
      keyPrefix: w.redis.keyPrefix,
    });
    const idOf = (name: string): number => {
      const repo = w.dataset.orgs
        .find((org) => org.login === ORG)
        ?.repos.find((candidate) => candidate.name === name);
      if (!repo) throw new Error(`the standard dataset has ${ORG}/${name}`);
      return repo.id;
    };
    await w.syncOrg(ORG);
    const firstReadFromMs = w.nowMs - ACTIVITY_WINDOW_MS;
    const historyWindow = {
      fromMs: w.nowMs - w.config.store.retentionMs,
      toMs: firstReadFromMs,
    };

    // The first cycle: each repo read from 24 h ago only (its checkpoints count it pending);
    // its history handed to backfill as the scraper worker does, one window per resource.
    const requestHistory = (outcome: RepoScrapeOutcome): BackfillRequest[] => {
      if (!outcome.history) return [];
      const repoId = idOf(outcome.ref.repo);
      return outcome.history.resources.map((resource) => ({
        org: ORG,
        repo: outcome.ref.repo,
        repoId,
        resource,
        fromMs: outcome.history?.window.fromMs ?? 0,
        toMs: outcome.history?.window.toMs ?? 0,
        reason: 'history',
      }));
    };
    const requests: BackfillRequest[] = [];
    for (const { repo } of w.repos) {
      const outcome = await w.scrape(ORG, { name: repo, id: idOf(repo) });
      expect(outcome.status).toBe('done');
      expect(outcome.history).toEqual({
        window: historyWindow,
        resources: ['commits', 'pulls', 'issue_comments'],
      });
      requests.push(...requestHistory(outcome));
    }
    expect(await pending.count([ORG])).toEqual([w.repos.length]);

    // Right after it: every user active since the first read's start, with every value
    // exact (the 24 h counts, LOC and last_event); users with only older events wait.
    const truth = w.groundTruth();
    const recentTruth = truth.filter((row) => row.lastEventUnixtime * 1000 > firstReadFromMs);
    expect(recentTruth.length).toBeGreaterThan(0);
    expect(recentTruth.length).toBeLessThan(truth.length);
    // No 24 h activity is left out.
    expect(
      truth
        .filter((row) => !recentTruth.includes(row))
        .filter(
          (row) =>
            row.commits24h +
              row.prsOpened24h +
              row.prsMerged24h +
              row.reviewsSubmitted24h +
              row.issueComments24h >
            0,
        ),
    ).toEqual([]);
    expect(await w.readAllSeries()).toEqual(recentTruth);

    // A scheduled cycle meanwhile changes nothing and asks for the same history again.
    for (const { repo } of w.repos) {
      const outcome = await w.scrape(ORG, { name: repo, id: idOf(repo) });
      expect(outcome.history?.window).toEqual(historyWindow);
      requests.push(...requestHistory(outcome));
    }
    expect(await w.readAllSeries()).toEqual(recentTruth);
    const admitted = await w.outbox.enqueue(requests);
    expect(admitted).toEqual({
      stored: w.repos.length * 3,
      deduped: w.repos.length * 3,
      capped: 0,
    });

    // The backfill worker drains the history: every series exact, nothing pending.
    await w.startWorker();
    await waitFor(async () => (await pending.count([ORG]))[0] === 0, {
      timeoutMs: 60_000,
      description: 'every repo history read',
    });
    expect(await w.readAllSeries()).toEqual(truth);
    expect(await w.amqp.depth(w.amqp.topology.dlq)).toBe(0);

    // Complete: the next cycle reads incrementally, reports no history, changes nothing.
    for (const { repo } of w.repos) {
      expect((await w.scrape(ORG, { name: repo, id: idOf(repo) })).history).toBeUndefined();
    }
    expect(await w.readAllSeries()).toEqual(truth);
  }, 120_000);
});
