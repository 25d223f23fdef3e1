import { describe, expect, it } from 'vitest';

import { decideBackfillFailure } from './backfill-ladder.js';
import type { BackfillMessage } from './backfill-message.js';

const DELAYS = [60_000, 300_000, 1_800_000];
const message = (attempt: number, firstEnqueuedAtMs = 0): BackfillMessage => ({
  version: 1,
  id: 'id-1',
  org: 'acme',
  repo: 'web',
  resource: 'all',
  window: { fromMs: 0, toMs: 1 },
  reason: 'github_unavailable',
  attempt,
  firstEnqueuedAtMs,
});
const decide = (attempt: number, extra: { nowMs?: number; permanent?: boolean } = {}) =>
  decideBackfillFailure({
    message: message(attempt),
    requeueDelaysMs: DELAYS,
    maxMessageAgeMs: 86_400_000,
    nowMs: extra.nowMs ?? 1_000,
    permanent: extra.permanent ?? false,
  });

describe('the retry ladder', () => {
  it('walks every delay in order, then dead-letters: delays + 1 attempts', () => {
    expect([1, 2, 3, 4].map((attempt) => decide(attempt))).toEqual([
      { kind: 'retry', delayIndex: 0, delayMs: 60_000 },
      { kind: 'retry', delayIndex: 1, delayMs: 300_000 },
      { kind: 'retry', delayIndex: 2, delayMs: 1_800_000 },
      { kind: 'dead_letter', reason: 'retries_exhausted' },
    ]);
  });

  it('dead-letters a message past backfill.max_message_age, whatever its attempt', () => {
    expect(decide(1, { nowMs: 86_400_000 })).toEqual({
      kind: 'dead_letter',
      reason: 'max_age',
    });
    expect(decide(1, { nowMs: 86_399_999 }).kind).toBe('retry');
  });

  it('dead-letters a permanent refusal at once', () => {
    expect(decide(1, { permanent: true })).toEqual({
      kind: 'dead_letter',
      reason: 'github_rejected',
    });
  });
});
