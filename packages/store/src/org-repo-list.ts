import type { Redis } from 'ioredis';

import { createStoreKeys } from './store-keys.js';

/** A repo as the installation's repo list gives it, as much as discovery keeps. */
export interface ListedRepo {
  readonly name: string;
  readonly archived: boolean;
  readonly disabled: boolean;
}

/** The org's repo list from its last full discovery, reused when GitHub answers `304`. */
export interface OrgRepoListStore {
  /** The stored list, or `undefined` when there is none (never listed, or Redis lost it). */
  read(org: string): Promise<readonly ListedRepo[] | undefined>;
  write(org: string, repos: readonly ListedRepo[]): Promise<void>;
}

/** One JSON string per org (`orgRepos(org)` of the store's keys). */
export function createOrgRepoListStore(options: {
  readonly redis: Redis;
  readonly keyPrefix: string;
}): OrgRepoListStore {
  const keys = createStoreKeys(options.keyPrefix);
  return {
    read: async (org) => {
      const stored = await options.redis.get(keys.orgRepos(org));
      return stored === null ? undefined : decodeStoredList(org, stored);
    },
    write: async (org, repos) => {
      await options.redis.set(keys.orgRepos(org), JSON.stringify(repos));
    },
  };
}

function decodeStoredList(org: string, stored: string): ListedRepo[] {
  const value: unknown = JSON.parse(stored);
  if (!Array.isArray(value) || !value.every(isListedRepo)) {
    throw new TypeError(`the stored repo list of ${org} is not a list of repos`);
  }
  return value;
}

function isListedRepo(value: unknown): value is ListedRepo {
  const repo = value as Partial<ListedRepo> | null;
  return (
    typeof repo?.name === 'string' &&
    typeof repo.archived === 'boolean' &&
    typeof repo.disabled === 'boolean'
  );
}
