import type { Redis } from 'ioredis';

import { createStoreKeys } from './store-keys.js';

/** A repo as the installation's repo list gives it, as much as discovery keeps. */
export interface ListedRepo {
  /** GitHub's repository id: the repo's identity, kept across renames. */
  readonly id: number;
  readonly name: string;
  /** GitHub's `updated_at` (epoch ms): moves with a change to the repo itself, archiving too. */
  readonly updatedAtMs: number;
  readonly archived: boolean;
  readonly disabled: boolean;
}

/** The org's repo list from its last full discovery, reused when GitHub answers `304`. */
export interface OrgRepoListStore {
  /**
   * The stored list, or `undefined` when there is none (never listed, Redis lost it, or it
   * was stored by a release that kept no repo ids).
   */
  read(org: string): Promise<readonly ListedRepo[] | undefined>;
  write(org: string, repos: readonly ListedRepo[]): Promise<void>;
}

/**
 * How long a stored list outlives its last full read: longer than the stored ETag that
 * could answer `304` for it (24 h, `createRedisEtagCache`), so a `304` never outlives its
 * list. Lists are read in full at least hourly anyway (ETags are bound to the token:
 * docs/github-limitations.md#etags-are-bound-to-the-token); the TTL removes the lists of
 * orgs that left the config.
 */
const REPO_LIST_TTL_MS = 48 * 3_600_000;

/** One JSON string per org (`orgRepos(org)` of the store's keys), expiring. */
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
      await options.redis.set(keys.orgRepos(org), JSON.stringify(repos), 'PX', REPO_LIST_TTL_MS);
    },
  };
}

function decodeStoredList(org: string, stored: string): ListedRepo[] | undefined {
  const value: unknown = JSON.parse(stored);
  if (!Array.isArray(value)) {
    throw new TypeError(`the stored repo list of ${org} is not a list of repos`);
  }
  // A list an earlier release stored lacks fields: as good as none (discovery reads the list).
  if (
    value.some((repo) => {
      const listed = repo as Partial<ListedRepo> | null;
      return listed?.id === undefined || listed.updatedAtMs === undefined;
    })
  ) {
    return undefined;
  }
  if (!value.every(isListedRepo)) {
    throw new TypeError(`the stored repo list of ${org} is not a list of repos`);
  }
  return value;
}

function isListedRepo(value: unknown): value is ListedRepo {
  const repo = value as Partial<ListedRepo> | null;
  return (
    typeof repo?.id === 'number' &&
    typeof repo.name === 'string' &&
    typeof repo.updatedAtMs === 'number' &&
    typeof repo.archived === 'boolean' &&
    typeof repo.disabled === 'boolean'
  );
}
