import { redisTest } from '@gse/testing/vitest';
import { describe, expect } from 'vitest';

import { createRepoCheckpointStore } from '../src/index.js';

describe('repo checkpoints', () => {
  redisTest(
    'reads nothing for a new repo and keeps checkpoints that a write does not name',
    async ({ redis: fixture }) => {
      const checkpoints = createRepoCheckpointStore(fixture);
      const ref = { org: 'acme', repo: 'api' };
      expect(await checkpoints.read(ref)).toEqual({});
      await checkpoints.write(ref, { commitsSyncedAtMs: 10, pullsUpdatedAtMs: 20 });
      await checkpoints.write(ref, {
        pullsUpdatedAtMs: 30,
        pullsReadAtCheckpoint: [7, 12],
        locRefreshedAtMs: 40,
      });
      expect(await checkpoints.read(ref)).toEqual({
        commitsSyncedAtMs: 10,
        pullsUpdatedAtMs: 30,
        pullsReadAtCheckpoint: [7, 12],
        locRefreshedAtMs: 40,
      });
      await checkpoints.write(ref, { pullsReadAtCheckpoint: [] });
      expect((await checkpoints.read(ref)).pullsReadAtCheckpoint).toEqual([]);
      expect(await checkpoints.read({ org: 'acme', repo: 'web' })).toEqual({});
    },
  );

  redisTest(
    'keeps the review rechecks and pages, the head sha and the rewrite time, and clears a list',
    async ({ redis: fixture }) => {
      const checkpoints = createRepoCheckpointStore(fixture);
      const ref = { org: 'acme', repo: 'api' };
      await checkpoints.write(ref, {
        pullsReviewRecheck: [3, 9],
        pullsReviewPages: { 481: 2, 502: 3 },
        commitsHeadSha: 'a1b2c3',
        commitsRewrittenAtMs: 50,
      });
      expect(await checkpoints.read(ref)).toEqual({
        pullsReviewRecheck: [3, 9],
        pullsReviewPages: { 481: 2, 502: 3 },
        commitsHeadSha: 'a1b2c3',
        commitsRewrittenAtMs: 50,
      });
      await checkpoints.write(ref, { pullsReviewRecheck: [], pullsReviewPages: {} });
      expect(await checkpoints.read(ref)).toEqual({
        pullsReviewRecheck: [],
        pullsReviewPages: {},
        commitsHeadSha: 'a1b2c3',
        commitsRewrittenAtMs: 50,
      });
    },
  );
});
