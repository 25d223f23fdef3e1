import { describe, expect, it } from 'vitest';

import type { ActivityEvent } from './activity-event.js';
import { tallyRepoActivity } from './user-activity.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const scrapedAtMs = Date.parse('2026-11-28T13:00:00Z'); // a Saturday
const lastWeekStartMs = Date.parse('2026-11-15T00:00:00Z');
const options = { scrapedAtMs, retentionMs: 30 * DAY };

function event(
  kind: ActivityEvent['kind'],
  user: string,
  ageMs: number,
  sourceId = `${kind}-${user}-${ageMs}`,
): ActivityEvent {
  return { kind, sourceId, user, occurredAtMs: scrapedAtMs - ageMs };
}

describe('tallyRepoActivity', () => {
  it('counts each kind in the window and keeps the latest event time in seconds', () => {
    const tally = tallyRepoActivity(
      [
        event('commit', 'ada', HOUR),
        event('commit', 'ada', 2 * HOUR),
        event('pr_opened', 'ada', 3 * HOUR),
        event('pr_merged', 'ada', 4 * HOUR),
        event('review_submitted', 'ada', 5 * HOUR),
        event('issue_comment', 'ada', 6 * HOUR),
        event('issue_comment', 'ada', 24 * HOUR), // exactly 24 h old: outside
      ],
      [],
      options,
    );
    expect(tally.get('ada')).toEqual({
      commits24h: 2,
      prsOpened24h: 1,
      prsMerged24h: 1,
      reviewsSubmitted24h: 1,
      issueComments24h: 1,
      locAddedWeekly: 0,
      locRemovedWeekly: 0,
      lastEventUnixtime: (scrapedAtMs - HOUR) / 1000,
    });
  });

  it('keeps a quiet user inside retention at zero and drops one outside it', () => {
    const tally = tallyRepoActivity(
      [event('commit', 'quiet', 10 * DAY), event('commit', 'gone', 30 * DAY)],
      [],
      options,
    );
    expect([...tally.keys()]).toEqual(['quiet']);
    expect(tally.get('quiet')?.commits24h).toBe(0);
    expect(tally.get('quiet')?.lastEventUnixtime).toBe((scrapedAtMs - 10 * DAY) / 1000);
  });

  it('adds LOC of the last complete week only, and only to users with a series', () => {
    const tally = tallyRepoActivity(
      [event('commit', 'ada', 3 * DAY)],
      [
        { user: 'ada', weekStartMs: lastWeekStartMs, additions: 10, deletions: 4 },
        { user: 'ada', weekStartMs: lastWeekStartMs + 7 * DAY, additions: 99, deletions: 99 },
        { user: 'nobody', weekStartMs: lastWeekStartMs, additions: 5, deletions: 5 },
      ],
      options,
    );
    expect(tally.get('ada')).toMatchObject({ locAddedWeekly: 10, locRemovedWeekly: 4 });
    expect(tally.has('nobody')).toBe(false);
  });

  it('ignores events after the scrape time', () => {
    const tally = tallyRepoActivity([event('commit', 'ada', -1)], [], options);
    expect(tally.size).toBe(0);
  });
});
