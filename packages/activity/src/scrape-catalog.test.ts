import { describe, expect, it } from 'vitest';

import { ACTIVITY_FIELDS } from './activity-metrics.js';
import {
  ACTIVITY_KINDS,
  isActivityKind,
  SCRAPE_CATALOG,
  SCRAPE_RESOURCES,
  toActivityScope,
  toCountedField,
  type ScrapeResourceEntry,
} from './scrape-catalog.js';

describe('SCRAPE_CATALOG', () => {
  it('feeds every business family from exactly one resource, except the last event time', () => {
    const fed = SCRAPE_RESOURCES.flatMap((resource) => {
      const entry: ScrapeResourceEntry = SCRAPE_CATALOG[resource];
      return [...Object.values(entry.events), ...entry.measures];
    });
    expect(new Set(fed).size).toBe(fed.length);
    expect([...fed, 'lastEventUnixtime'].sort()).toEqual([...ACTIVITY_FIELDS].sort());
  });

  it('derives the event kinds and the family each counts into', () => {
    expect(ACTIVITY_KINDS).toEqual([
      'commit',
      'pr_opened',
      'pr_merged',
      'review_submitted',
      'issue_comment',
      'pr_review_comment',
    ]);
    expect(toCountedField('pr_merged')).toBe('prsMerged24h');
    expect(isActivityKind('issue_comment')).toBe(true);
    expect(isActivityKind('wiki_edit')).toBe(false);
  });

  it('scopes the fleet to the resources that are not optional unless switched on', () => {
    const off = toActivityScope([]);
    expect(off.resources).toEqual(['commits', 'pulls', 'issue_comments', 'loc']);
    expect(off.kinds.has('pr_review_comment')).toBe(false);
    expect(off.fields.has('prReviewComments24h')).toBe(false);
    // DESIGN.md §5's eight families, and no other.
    expect(off.fields.size).toBe(8);
    const on = toActivityScope(['pr_review_comments']);
    expect(on.resources).toEqual([
      'commits',
      'pulls',
      'issue_comments',
      'loc',
      'pr_review_comments',
    ]);
    expect(on.kinds.has('pr_review_comment')).toBe(true);
    expect([...on.fields].sort()).toEqual([...ACTIVITY_FIELDS].sort());
    expect(() => toActivityScope(['commits'])).toThrow(
      'not optional resources: commits (optional: pr_review_comments)',
    );
  });
});
