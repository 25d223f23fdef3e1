import { redisTest } from '@gse/testing/vitest';
import { describe, expect } from 'vitest';

import { createRedisLocFallbackBudget } from '../src/index.js';

const HOUR = 3_600_000;
const week = Date.parse('2026-11-15T00:00:00Z');
const now = Date.parse('2026-11-28T13:10:00Z');

describe('LOC fallback budget', () => {
  redisTest(
    'grants per repo and week until spent, and per org and hour across repos',
    async ({ redis: fixture }) => {
      const budget = createRedisLocFallbackBudget({
        ...fixture,
        maxCommitsPerRepoPerWeek: 2,
        maxCommitDetailCallsPerOrgPerHour: 3,
      });
      const api = { org: 'acme', repo: 'api' };
      const web = { org: 'acme', repo: 'web' };
      expect(await budget.take(api, week, now)).toBe('granted');
      expect(await budget.take(api, week, now)).toBe('granted');
      expect(await budget.take(api, week, now)).toBe('repo_week_exhausted');
      expect(await budget.take(web, week, now)).toBe('granted');
      expect(await budget.take(web, week, now)).toBe('org_hour_exhausted');
      // A new hour refills the org budget; the repo's week stays spent.
      expect(await budget.take(web, week, now + HOUR)).toBe('granted');
      expect(await budget.take(api, week, now + HOUR)).toBe('repo_week_exhausted');
      expect(await budget.take({ org: 'globex', repo: 'api' }, week, now)).toBe('granted');
    },
  );
});
