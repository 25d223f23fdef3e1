import { ACTIVITY_FIELDS, toEmptyUserActivity, type UserActivity } from '@gse/activity';
import { describe, expect, it } from 'vitest';

import { decodeSeriesInto, decodeUserActivity, encodeUserActivity } from './series-codec.js';

const ACTIVITY: UserActivity = {
  ...toEmptyUserActivity(),
  commits24h: 1,
  prsOpened24h: 2,
  prsMerged24h: 3,
  reviewsSubmitted24h: 4,
  issueComments24h: 5,
  locAddedWeekly: 6,
  locRemovedWeekly: 7,
  lastEventUnixtime: 1_700_000_000,
};

describe('series codec', () => {
  it('writes version 2 with every value named by its field, zeros left out', () => {
    expect(encodeUserActivity(ACTIVITY)).toBe(
      'v2;commits24h=1,prsOpened24h=2,prsMerged24h=3,reviewsSubmitted24h=4,issueComments24h=5,locAddedWeekly=6,locRemovedWeekly=7,lastEventUnixtime=1700000000',
    );
    expect(decodeUserActivity(encodeUserActivity(ACTIVITY))).toEqual(ACTIVITY);
    const quiet = { ...toEmptyUserActivity(), lastEventUnixtime: 1_700_000_000 };
    expect(encodeUserActivity(quiet)).toBe('v2;lastEventUnixtime=1700000000');
    expect(decodeUserActivity(encodeUserActivity(quiet))).toEqual(quiet);
  });

  it('reads version 1, the positional values written before fields had names', () => {
    expect(decodeUserActivity('1,2,3,4,5,6,7,1700000000')).toEqual(ACTIVITY);
  });

  it('reads a field the value lacks as 0 and skips one it does not know, in any order', () => {
    expect(
      decodeUserActivity('v2;lastEventUnixtime=1700000000,commits24h=1,wikiEdits24h=9'),
    ).toEqual({ ...toEmptyUserActivity(), commits24h: 1, lastEventUnixtime: 1_700_000_000 });
  });

  it.each([
    'v2;commits24h=x',
    'v2;commits24h=',
    'v2;commits24h',
    'v2;=1',
    'v3;commits24h=1',
    '1,2,3',
    '1,2,3,4,5,6,7,8,9',
    '1,,3,4,5,6,7,8',
  ])('refuses %j', (stored) => {
    expect(() => decodeUserActivity(stored)).toThrow(TypeError);
  });

  it('decodes into a row of a shared column buffer, clearing what the value lacks', () => {
    const target = new Float64Array(2 * ACTIVITY_FIELDS.length).fill(99);
    expect(decodeSeriesInto('v2;prsOpened24h=2', target, ACTIVITY_FIELDS.length)).toBe(true);
    expect([...target.subarray(ACTIVITY_FIELDS.length)]).toEqual(
      ACTIVITY_FIELDS.map((field) => (field === 'prsOpened24h' ? 2 : 0)),
    );
    expect(target[0]).toBe(99);
  });
});
