import { describe, expect, it } from 'vitest';

import type { ActivityEvent } from './activity-event.js';
import { toActivityScope } from './scrape-catalog.js';
import { tallyRepoActivity, toEmptyUserActivity } from './user-activity.js';

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
  it('gives bots no series under excludeBots, from the same events', () => {
    const events = [event('commit', 'ada', HOUR), event('pr_opened', 'dependabot[bot]', HOUR)];
    const loc = [
      { user: 'dependabot[bot]', weekStartMs: lastWeekStartMs, additions: 5, deletions: 1 },
    ];
    expect([...tallyRepoActivity(events, loc, { ...options, excludeBots: true }).keys()]).toEqual([
      'ada',
    ]);
    expect(tallyRepoActivity(events, loc, options).get('dependabot[bot]')).toEqual({
      ...toEmptyUserActivity(),
      prsOpened24h: 1,
      locAddedWeekly: 5,
      locRemovedWeekly: 1,
      lastEventUnixtime: Math.floor((scrapedAtMs - HOUR) / 1000),
    });
  });

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
      ...toEmptyUserActivity(),
      commits24h: 2,
      prsOpened24h: 1,
      prsMerged24h: 1,
      reviewsSubmitted24h: 1,
      issueComments24h: 1,
      lastEventUnixtime: (scrapedAtMs - HOUR) / 1000,
    });
  });

  it('skips the kinds out of the scope: no count, no last event, no series of their own', () => {
    const events = [
      event('commit', 'ada', 5 * HOUR),
      event('pr_review_comment', 'ada', HOUR),
      event('pr_review_comment', 'bob', HOUR),
    ];
    const off = tallyRepoActivity(events, [], { ...options, kinds: toActivityScope([]).kinds });
    expect([...off.keys()]).toEqual(['ada']);
    expect(off.get('ada')).toEqual({
      ...toEmptyUserActivity(),
      commits24h: 1,
      lastEventUnixtime: (scrapedAtMs - 5 * HOUR) / 1000,
    });
    const on = tallyRepoActivity(events, [], {
      ...options,
      kinds: toActivityScope(['pr_review_comments']).kinds,
    });
    expect([...on.keys()]).toEqual(['ada', 'bob']);
    expect(on.get('ada')?.prReviewComments24h).toBe(1);
    expect(on.get('ada')?.lastEventUnixtime).toBe((scrapedAtMs - HOUR) / 1000);
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

  it('while history is pending, shows only users with an event after completeFromMs, exactly', () => {
    const completeFromMs = scrapedAtMs - DAY;
    const events = [
      // ada: active today; her older events must not lower or raise anything.
      event('commit', 'ada', 3 * HOUR),
      event('pr_opened', 'ada', 10 * DAY),
      // bob: only history older than the complete range, so not shown yet.
      event('issue_comment', 'bob', 5 * DAY),
    ];
    const tally = tallyRepoActivity(events, [], { ...options, completeFromMs });
    expect([...tally.keys()]).toEqual(['ada']);
    expect(tally.get('ada')).toEqual({
      ...toEmptyUserActivity(),
      commits24h: 1,
      lastEventUnixtime: Math.floor((scrapedAtMs - 3 * HOUR) / 1000),
    });
    expect([...tallyRepoActivity(events, [], { ...options, completeFromMs: 0 }).keys()]).toEqual([
      'ada',
      'bob',
    ]);
  });

  it('ignores events after the scrape time', () => {
    const tally = tallyRepoActivity([event('commit', 'ada', -1)], [], options);
    expect(tally.size).toBe(0);
  });
});
