import { createOrgRepoListStore, createStoreKeys } from '@gse/store';
import { describe, expect } from 'vitest';

import { discoverRepos } from '../src/index.js';
import { scrapeWorldTest } from './scrape-fixture.js';

const LIST_ENDPOINT = 'GET /installation/repositories';

describe('discoverRepos: the repo list by id, conditionally', () => {
  scrapeWorldTest(
    'reuses the stored list on a 304, and reads the list in full when the stored one predates repo ids',
    async ({ world }) => {
      const ports = { redis: world.redis.redis, keyPrefix: world.redis.keyPrefix };
      const lists = createOrgRepoListStore(ports);
      const discover = () =>
        discoverRepos({ client: world.client('acme'), org: 'acme', allowlist: ['*'], lists });
      const listRequests = () => world.simulator.counters().endpoints[LIST_ENDPOINT];

      const first = await discover();
      const web = world.dataset.orgs[0]?.repos.find((repo) => repo.name === 'web');
      expect(first.admitted).toContainEqual({
        id: web?.id,
        name: 'web',
        updatedAtMs: Date.parse(web?.updatedAt ?? ''),
      });
      expect(first.archived.length).toBeGreaterThan(0);

      world.simulator.resetCounters();
      expect(await discover()).toEqual(first);
      expect(listRequests()).toMatchObject({ total: 1, notModified: 1 });

      // A list stored by a release that kept no ids, its ETag still good: a 304 would leave
      // nothing to go on, so the list is asked unconditionally.
      const keys = createStoreKeys(world.redis.keyPrefix);
      await world.redis.redis.set(
        keys.orgRepos('acme'),
        JSON.stringify(
          first.admitted.map(({ name }) => ({ name, archived: false, disabled: false })),
        ),
      );
      world.simulator.resetCounters();
      expect(await discover()).toEqual(first);
      expect(listRequests()).toMatchObject({ total: 1, counted: 1, notModified: 0 });
      // The list is stored again, with ids: the next discovery is free.
      world.simulator.resetCounters();
      expect(await discover()).toEqual(first);
      expect(listRequests()).toMatchObject({ total: 1, notModified: 1 });
    },
  );
});
