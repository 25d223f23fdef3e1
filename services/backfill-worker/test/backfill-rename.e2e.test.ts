import { decodeBackfillMessage, type BackfillMessage } from '@gse/queues';
import { createStoreKeys } from '@gse/store';
import { FLEET_METRICS } from '@gse/telemetry';
import { waitFor } from '@gse/testing';
import { afterEach, describe, expect, it } from 'vitest';

import { createBackfillWorld, type BackfillWorld } from './backfill-world.js';

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

const DROPPED = 'backfill window dropped: the repo left the org since it was queued';

// Before: a message named the repo only. One queued before a rename followed GitHub's 301
// and wrote under the old name, which the next org cycle removed: the window was lost.
describe('backfill worker and repos that change after a window was queued', () => {
  it('fills the window of a renamed repo under its new name, and drops the window of a repo that left', async () => {
    const w = (world = await createBackfillWorld({ repoFilter: (ref) => ref.org === 'acme' }));
    const idOf = (name: string): number => {
      const repo = w.dataset.orgs
        .find((org) => org.login === 'acme')
        ?.repos.find((candidate) => candidate.name === name);
      if (!repo) throw new Error(`the standard dataset has acme/${name}`);
      return repo.id;
    };
    const docsId = idOf('docs');
    const sandboxId = idOf('sandbox');
    // The org's cycle has recorded its repos' ids; then the scraper hands two windows over.
    expect((await w.syncOrg('acme')).renamed).toEqual([]);
    const window = { fromMs: w.nowMs - w.config.store.retentionMs, toMs: w.nowMs };
    const reason = 'github_unavailable';
    expect(
      await w.outbox.enqueue([
        { org: 'acme', repo: 'docs', repoId: docsId, resource: 'all', ...window, reason },
        { org: 'acme', repo: 'sandbox', repoId: sandboxId, resource: 'all', ...window, reason },
      ]),
    ).toEqual({ stored: 2, deduped: 0, capped: 0 });
    expect(await w.publisher.sweep()).toEqual({ published: 2, stored: 0 });
    // Queued under the names of the time, with the ids (looked at, then put back).
    const queued = await w.amqp.drain(w.amqp.topology.mainQueue);
    expect(
      queued
        .map((raw) => decoded(raw.content))
        .map((message) => [message.repo, message.repoId])
        .sort(),
    ).toEqual([
      ['docs', docsId],
      ['sandbox', sandboxId],
    ]);
    for (const raw of queued) await w.amqp.publishRaw(w.amqp.topology.mainQueue, raw.content);

    // While they wait, docs is renamed and sandbox deleted; the next cycle follows both.
    w.simulator.renameRepo({ org: 'acme', repo: 'docs' }, 'handbook');
    w.simulator.deleteRepo({ org: 'acme', repo: 'sandbox' });
    expect(await w.syncOrg('acme')).toMatchObject({
      renamed: [{ id: docsId, from: 'docs', to: 'handbook' }],
      removed: [],
    });

    await w.startWorker();
    await waitFor(
      async () =>
        (await w.metricValue(FLEET_METRICS.backfillProcessed, {
          org: 'acme',
          result: 'processed',
        })) === 2,
      { timeoutMs: 30_000, description: 'both windows processed' },
    );
    expect(await w.amqp.depth(w.amqp.topology.mainQueue)).toBe(0);
    expect(await w.amqp.depth(w.amqp.topology.dlq)).toBe(0);

    // The renamed repo's window is where its series live now, and equals GitHub's truth.
    const truth = w.simulator
      .groundTruth(w.nowMs, {
        retentionMs: w.config.store.retentionMs,
        excludeBots: w.config.github.excludeBots,
      })
      .filter((row) => row.org === 'acme' && row.repo === 'handbook');
    expect(truth.length).toBeGreaterThan(0);
    expect(await w.readSeries('acme', 'handbook')).toEqual(truth);
    const keys = createStoreKeys(w.redis.keyPrefix);
    for (const gone of ['docs', 'sandbox']) {
      expect(await w.readSeries('acme', gone)).toEqual([]);
      expect(await w.redis.redis.zscore(keys.repoLedgers, `acme/${gone}`)).toBeNull();
    }
    // The next cycle has nothing to remove: the window is kept.
    expect(await w.syncOrg('acme')).toMatchObject({ renamed: [], removed: [] });
    expect(await w.readSeries('acme', 'handbook')).toEqual(truth);

    // The departed repo's window was acked with nothing to do, and why is in the log.
    const dropped = w.logs.lines().filter((line) => line['message'] === DROPPED);
    expect(dropped).toHaveLength(1);
    expect(dropped[0]).toMatchObject({ repoId: sandboxId });
    const renamed = w.logs
      .lines()
      .filter((line) => line['message'] === "backfill window read under the repo's new name");
    expect(renamed).toHaveLength(1);
    expect(renamed[0]).toMatchObject({ renamedFrom: 'docs', currentName: 'handbook' });
  });
});
