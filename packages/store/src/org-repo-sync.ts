import type { Redis } from 'ioredis';

import { execOrThrow } from './redis-transaction.js';
import { removeRepo } from './remove-repo.js';
import {
  createStoreKeys,
  ORG_KEYS_TTL_MS,
  parseRepoId,
  toRepoId,
  type RepoRef,
} from './store-keys.js';

/** A repo discovery admitted, by GitHub id and current name. */
export interface AdmittedRepo {
  readonly id: number;
  readonly name: string;
}

export interface OrgRepoSyncResult {
  /** Repos whose keys moved to their new name, in the order given. */
  readonly renamed: readonly { readonly id: number; readonly from: string; readonly to: string }[];
  /** Names whose ledger, series and state were removed: repos that left. */
  readonly removed: readonly string[];
  /** Series removed with them (the fleet's series count went down by this much). */
  readonly seriesRemoved: number;
  /** Admitted repos the store has data of (a ledger, series or state), by current name. */
  readonly stored: readonly string[];
}

/**
 * Keeps the store's repos of an org equal to what discovery admits, by GitHub repo id:
 * a repo's data lives under its current name, moves with a rename, and goes when the repo
 * leaves (packages/activity/README.md, "Repos are identified by GitHub's repo id").
 */
export interface OrgRepoSync {
  /**
   * `admitted` is every repo of `org` discovery admits this cycle (scraped, archived and
   * disabled alike). A repo whose id the store knows under another name has its ledger,
   * checkpoints and series moved to the new name, in one step, so nothing is read again; a
   * repo the store has data of that is not admitted (deleted, transferred out, dropped from
   * `repo_allowlist`, or written under an old name by a job that ran late) loses its data.
   */
  sync(org: string, admitted: readonly AdmittedRepo[]): Promise<OrgRepoSyncResult>;
  /** The name the repo `repoId` had at the org's last sync, and whether there was one. */
  readCurrentName(org: string, repoId: number): Promise<RepoNameLookup>;
}

/** What {@link OrgRepoSync.readCurrentName} found, read in one step. */
export interface RepoNameLookup {
  /**
   * Whether the store holds the org's id → name hash: false before its first sync, a week
   * after its last, and while it admits no repo at all (Redis keeps no empty hash).
   */
  readonly orgSynced: boolean;
  /** The repo's name at the last sync; `undefined` when it was not admitted then (it left, or was never seen). */
  readonly name: string | undefined;
}

// Moves repos' keys to new names in one step. Every source is first renamed to a temporary
// key, so a swap of names (a→b, b→a) or a chain (a→b, b→c) moves each repo's own data;
// then whatever is left under a destination (data of a repo that had the name before and
// left) is removed with its series, and the temporary keys take the destination names. The
// repo's places in both indexes move with it, scores kept. A move whose source has nothing
// (moved already by a sync that stopped before it wrote the new names) changes nothing.
// KEYS: 1 series count, 2 series index, 3 ledger index, then per move its K source keys,
// K temporary keys and K destination keys, the series hash first in each group.
// ARGV: 1 K, then per move: source member, destination member.
const MOVE_REPOS_SCRIPT = `
local k = tonumber(ARGV[1])
local moves = (#ARGV - 1) / 2
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
local function key(move, group, i) return KEYS[3 + (move - 1) * 3 * k + (group - 1) * k + i] end
local scores = {}
local present = {}
for m = 1, moves do
  local from = ARGV[2 * m]
  scores[m] = { redis.call('ZSCORE', KEYS[2], from), redis.call('ZSCORE', KEYS[3], from) }
  present[m] = scores[m][2] ~= false
  redis.call('ZREM', KEYS[2], from)
  redis.call('ZREM', KEYS[3], from)
  for i = 1, k do
    if redis.call('EXISTS', key(m, 1, i)) == 1 then
      redis.call('RENAME', key(m, 1, i), key(m, 2, i))
      present[m] = true
    end
  end
end
for m = 1, moves do
  local to = ARGV[2 * m + 1]
  if present[m] then
  count = count - redis.call('HLEN', key(m, 3, 1))
  for i = 1, k do redis.call('DEL', key(m, 3, i)) end
  redis.call('ZREM', KEYS[2], to)
  redis.call('ZREM', KEYS[3], to)
  for i = 1, k do
    if redis.call('EXISTS', key(m, 2, i)) == 1 then redis.call('RENAME', key(m, 2, i), key(m, 3, i)) end
  end
  if scores[m][1] then redis.call('ZADD', KEYS[2], scores[m][1], to) end
  if scores[m][2] then redis.call('ZADD', KEYS[3], scores[m][2], to) end
  end
end
if count < 0 then count = 0 end
redis.call('SET', KEYS[1], count)
return moves
`;

/** Where a moving repo's keys wait between the two phases of the move. */
const MOVING_SUFFIX = ':moving';

export function createOrgRepoSync(options: {
  readonly redis: Redis;
  /** `store.key_prefix`. */
  readonly keyPrefix: string;
}): OrgRepoSync {
  const { redis } = options;
  const keys = createStoreKeys(options.keyPrefix);

  /** Every repo of `org` the store has data of, by name (both indexes). */
  async function storedNames(org: string): Promise<Set<string>> {
    const names = new Set<string>();
    for (const index of [keys.repoIndex, keys.repoLedgers]) {
      let cursor = '0';
      do {
        const [next, entries] = await redis.zscan(
          index,
          cursor,
          'MATCH',
          `${org}/*`,
          'COUNT',
          1000,
        );
        cursor = next;
        // ZSCAN returns member, score pairs.
        for (let i = 0; i < entries.length; i += 2) {
          const member = entries[i] ?? '';
          if (member.startsWith(`${org}/`)) names.add(parseRepoId(member).repo);
        }
      } while (cursor !== '0');
    }
    return names;
  }

  async function move(
    org: string,
    moves: readonly { readonly from: string; readonly to: string }[],
  ): Promise<void> {
    if (moves.length === 0) return;
    const ref = (repo: string): RepoRef => ({ org, repo });
    const perRepo = keys.repoKeys(ref(moves[0]?.from ?? '')).length;
    await redis.eval(
      MOVE_REPOS_SCRIPT,
      3 + moves.length * 3 * perRepo,
      keys.seriesCount,
      keys.repoIndex,
      keys.repoLedgers,
      ...moves.flatMap(({ from, to }) => {
        const destination = keys.repoKeys(ref(to));
        return [
          ...keys.repoKeys(ref(from)),
          ...destination.map((key) => key + MOVING_SUFFIX),
          ...destination,
        ];
      }),
      perRepo,
      ...moves.flatMap(({ from, to }) => [toRepoId(ref(from)), toRepoId(ref(to))]),
    );
  }

  return {
    async readCurrentName(org, repoId) {
      const namesKey = keys.orgRepoNames(org);
      const replies = await redis.multi().exists(namesKey).hget(namesKey, String(repoId)).exec();
      const [exists, name] = (replies ?? []).map(([error, reply]) => {
        if (error) throw error;
        return reply;
      });
      return { orgSynced: exists === 1, name: typeof name === 'string' ? name : undefined };
    },
    async sync(org, admitted) {
      const namesKey = keys.orgRepoNames(org);
      const known = new Map(
        Object.entries(await redis.hgetall(namesKey)).map(([id, name]) => [Number(id), name]),
      );
      const renamed = admitted.flatMap(({ id, name }) => {
        const from = known.get(id);
        return from === undefined || from === name ? [] : [{ id, from, to: name }];
      });
      await move(org, renamed);
      const admittedIds = new Set(admitted.map((repo) => repo.id));
      const changed = admitted.filter(({ id, name }) => known.get(id) !== name);
      const gone = [...known.keys()].filter((id) => !admittedIds.has(id));
      // The names are written once the keys moved: a crash in between moves them next time.
      if (changed.length > 0) {
        await redis.hset(namesKey, ...changed.flatMap(({ id, name }) => [String(id), name]));
      }
      if (gone.length > 0) await redis.hdel(namesKey, ...gone.map(String));
      await execOrThrow(
        redis
          .multi()
          .pexpire(namesKey, ORG_KEYS_TTL_MS)
          .pexpire(keys.orgHistoryPending(org), ORG_KEYS_TTL_MS),
      );

      const admittedNames = new Set(admitted.map((repo) => repo.name));
      const removed: string[] = [];
      const stored: string[] = [];
      let seriesRemoved = 0;
      for (const name of await storedNames(org)) {
        if (admittedNames.has(name)) {
          stored.push(name);
          continue;
        }
        seriesRemoved += (await removeRepo(redis, keys, { org, repo: name })) ?? 0;
        removed.push(name);
      }
      return { renamed, removed: removed.sort(), seriesRemoved, stored: stored.sort() };
    },
  };
}
