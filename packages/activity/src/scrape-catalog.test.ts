import { describe, expect, it } from 'vitest';

import { ACTIVITY_FIELDS } from './activity-metrics.js';
import {
  ACTIVITY_KINDS,
  isActivityKind,
  SCRAPE_CATALOG,
  SCRAPE_RESOURCES,
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
    ]);
    expect(toCountedField('pr_merged')).toBe('prsMerged24h');
    expect(isActivityKind('issue_comment')).toBe(true);
    expect(isActivityKind('wiki_edit')).toBe(false);
  });
});
