import type { RepoCheckpoints } from '@gse/store';
import { describe, expect, it } from 'vitest';

import { planCommentReconciles } from './plan-comment-reconciles.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = Date.parse('2026-12-03T12:00:00Z');

function plan(
  states: Readonly<Record<string, RepoCheckpoints>>,
  options: { readonly cycleIntervalMs?: number; readonly quiet?: readonly string[] } = {},
): ReturnType<typeof planCommentReconciles> {
  return planCommentReconciles({
    checkpoints: {
      readNumericCheckpoints: (_org, repos, fields) =>
        Promise.resolve(
          new Map(
            repos.map((repo) => {
              const state = states[repo] ?? {};
              return [
                repo,
                Object.fromEntries(fields.flatMap((f) => (f in state ? [[f, state[f]]] : []))),
              ];
            }),
          ),
        ),
    },
    org: 'acme',
    quiet: options.quiet ?? Object.keys(states),
    resources: ['commits', 'pulls', 'issue_comments', 'pr_review_comments'],
    nowMs: NOW,
    intervalMs: HOUR,
    cycleIntervalMs: options.cycleIntervalMs ?? 5 * 60_000,
  });
}

describe('planCommentReconciles', () => {
  it('reads only the due lists that may hold comments of the last 24 h', async () => {
    const result = await plan(
      {
        // Both lists hold recent comments and were proven 2 h ago.
        both: {
          commentsUpdatedAtMs: NOW - HOUR,
          commentsReconciledAtMs: NOW - 2 * HOUR,
          reviewCommentsUpdatedAtMs: NOW - HOUR,
          reviewCommentsReconciledAtMs: NOW - 2 * HOUR,
        },
        // Review comments only older than the 24 h window: their deletion waits for the
        // daily reread.
        issuesOnly: {
          commentsUpdatedAtMs: NOW - DAY + HOUR,
          commentsReconciledAtMs: NOW - 2 * HOUR,
          reviewCommentsUpdatedAtMs: NOW - DAY - HOUR,
          reviewCommentsReconciledAtMs: NOW - 2 * HOUR,
        },
        // Proven 10 minutes ago: not due for most of an hour.
        fresh: { commentsUpdatedAtMs: NOW - HOUR, commentsReconciledAtMs: NOW - 10 * 60_000 },
        // No comment ever read: nothing to reconcile.
        silent: {},
        // A 30-minute cycle: the cap (2 × 3 repos with comments × ½) takes every due repo.
      },
      { cycleIntervalMs: HOUR / 2 },
    );
    expect(result).toEqual({
      reconcile: [
        { name: 'both', resources: ['issue_comments', 'pr_review_comments'] },
        { name: 'issuesOnly', resources: ['issue_comments'] },
      ],
      quiet: ['fresh', 'silent'],
    });
  });

  it('takes at most twice the fair share a cycle, the longest unproven first', async () => {
    const states: Record<string, RepoCheckpoints> = {};
    for (let index = 0; index < 30; index++) {
      states[`r${index}`] = {
        commentsUpdatedAtMs: NOW - HOUR,
        commentsReconciledAtMs: NOW - 2 * HOUR - index * 60_000,
      };
    }
    // 30 repos with comments, 12 cycles an hour: ceil(2 × 30 / 12) = 5 a cycle.
    const result = await plan(states);
    expect(result.reconcile.map(({ name }) => name)).toEqual(['r29', 'r28', 'r27', 'r26', 'r25']);
    expect(result.quiet).toHaveLength(25);
  });

  it('reads nothing when no repo is quiet', async () => {
    expect(await plan({}, { quiet: [] })).toEqual({ reconcile: [], quiet: [] });
  });
});
