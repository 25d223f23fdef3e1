import { ACTIVITY_FIELDS } from '@gse/activity';
import type { Redis } from 'ioredis';

import { READ_SERIES_BATCH_SCRIPT } from './read-series-batch-script.js';
import { decodeSeriesInto } from './series-codec.js';
import { createStoreKeys, parseRepoId, type RepoRef } from './store-keys.js';

/**
 * The series of one repo, column by column: users in code-unit order, and one column of
 * values per `ACTIVITY_METRICS` entry, metric-major (`values[m * users.length + i]`): 32 to
 * 64 bytes of values per series instead of ~1 KB as objects. Counts, lines and unix times are
 * whole numbers below 2^32, so a repo whose values all are gets a `Uint32Array` (half the
 * memory; a million series are 32 MB instead of 64 MB), any other a `Float64Array`.
 */
export interface RepoSeriesBlock {
  readonly org: string;
  readonly repo: string;
  /** The repo's score in the repo index: its latest successful scrape. */
  readonly scrapedAtMs: number;
  readonly users: readonly string[];
  readonly values: Uint32Array | Float64Array;
}

/** A series whose stored value the series codec cannot read: left out, reported. */
export interface CorruptSeries {
  readonly org: string;
  readonly repo: string;
  readonly user: string;
  readonly stored: string;
}

/** Every business series in the store, read in one pass. */
export interface ActivitySeriesSnapshot {
  /** Repos with at least one series, ordered by org, then repo (code-unit order). */
  readonly blocks: readonly RepoSeriesBlock[];
  /** Series in `blocks`. */
  readonly seriesCount: number;
  /** The store's own series counter (what `store.max_series_budget` is checked against). */
  readonly storedSeriesCount: number;
  /** Corrupt series left out; `corruptSeriesCount` counts them all, this keeps the first few. */
  readonly corruptSeries: readonly CorruptSeries[];
  readonly corruptSeriesCount: number;
}

export interface ReadActivitySeriesOptions {
  readonly redis: Redis;
  /** `store.key_prefix`. */
  readonly keyPrefix: string;
  /** Repos per script call (default 100: ~10k series, a few ms of Redis time per call). */
  readonly batchRepos?: number;
  /** Script calls in flight at once, so Redis works while the last reply is decoded (2). */
  readonly concurrency?: number;
  /** Abandons the pass (rejecting with the signal's reason) between and during batches. */
  readonly signal?: AbortSignal;
}

const KEPT_CORRUPT_SERIES = 5;

/**
 * Reads every series of the store: the repo index, then the repos' series hashes in batches
 * of `batchRepos` per Lua call with `concurrency` calls in flight. Redis does no more than
 * HGETALL; ordering and decoding happen here. A repo removed from the index meanwhile reads
 * as empty; a corrupt value is left out and reported instead of failing the whole pass.
 */
export async function readActivitySeries(
  options: ReadActivitySeriesOptions,
): Promise<ActivitySeriesSnapshot> {
  const { redis, signal } = options;
  const keys = createStoreKeys(options.keyPrefix);
  const batchRepos = options.batchRepos ?? 100;
  signal?.throwIfAborted();
  const [index, storedCount] = await abortable(
    Promise.all([redis.zrange(keys.repoIndex, 0, '-1', 'WITHSCORES'), redis.get(keys.seriesCount)]),
    signal,
  );
  const repos = toIndexedRepos(index);
  const blocks: (RepoSeriesBlock | undefined)[] = new Array<RepoSeriesBlock | undefined>(
    repos.length,
  );
  const corruptSeries: CorruptSeries[] = [];
  let corruptSeriesCount = 0;
  const onCorrupt = (series: CorruptSeries): void => {
    corruptSeriesCount++;
    if (corruptSeries.length < KEPT_CORRUPT_SERIES) corruptSeries.push(series);
  };

  let nextBatch = 0;
  const readBatches = async (): Promise<void> => {
    for (;;) {
      const start = nextBatch;
      if (start >= repos.length) return;
      nextBatch += batchRepos;
      signal?.throwIfAborted();
      const batch = repos.slice(start, start + batchRepos);
      const replies = (await abortable(
        redis.eval(
          READ_SERIES_BATCH_SCRIPT,
          batch.length,
          ...batch.map((repo) => keys.repoSeries(repo)),
        ),
        signal,
      )) as string[];
      batch.forEach((repo, offset) => {
        blocks[start + offset] = toBlock(repo, replies[offset] ?? '{}', onCorrupt);
      });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 2) }, readBatches));

  const present = blocks.filter(
    (block): block is RepoSeriesBlock => block !== undefined && block.users.length > 0,
  );
  return {
    blocks: present,
    seriesCount: present.reduce((sum, block) => sum + block.users.length, 0),
    storedSeriesCount: Number(storedCount ?? 0),
    corruptSeries,
    corruptSeriesCount,
  };
}

interface IndexedRepo extends RepoRef {
  readonly scrapedAtMs: number;
}

function toIndexedRepos(index: readonly string[]): IndexedRepo[] {
  const repos: IndexedRepo[] = [];
  for (let offset = 0; offset < index.length; offset += 2) {
    repos.push({ ...parseRepoId(index[offset] ?? ''), scrapedAtMs: Number(index[offset + 1]) });
  }
  return repos.sort((a, b) => compareText(a.org, b.org) || compareText(a.repo, b.repo));
}

function toBlock(
  repo: IndexedRepo,
  reply: string,
  onCorrupt: (series: CorruptSeries) => void,
): RepoSeriesBlock {
  const decoded: unknown = JSON.parse(reply);
  const fields = Array.isArray(decoded) ? (decoded as string[]) : [];
  const rows: number[] = [];
  for (let field = 0; field < fields.length; field += 2) rows.push(field);
  rows.sort((a, b) => compareText(fields[a] ?? '', fields[b] ?? ''));

  const users: string[] = [];
  const columns = ACTIVITY_FIELDS.length;
  const parsed = new Float64Array(columns * rows.length);
  for (const field of rows) {
    const user = fields[field] ?? '';
    const stored = fields[field + 1] ?? '';
    if (!decodeSeriesInto(stored, parsed, users.length * columns)) {
      onCorrupt({ org: repo.org, repo: repo.repo, user, stored });
      continue;
    }
    users.push(user);
  }
  // Rows were decoded user-major (one user's values side by side); the renderer walks one
  // metric at a time, so store the columns metric-major.
  const kept = parsed.subarray(0, columns * users.length);
  const values = kept.every(isUint32)
    ? new Uint32Array(kept.length)
    : new Float64Array(kept.length);
  for (let row = 0; row < users.length; row++) {
    for (let column = 0; column < columns; column++) {
      values[column * users.length + row] = kept[row * columns + column] ?? 0;
    }
  }
  return { org: repo.org, repo: repo.repo, scrapedAtMs: repo.scrapedAtMs, users, values };
}

function isUint32(value: number): boolean {
  return Number.isInteger(value) && value >= 0 && value <= 0xffff_ffff;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

async function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  signal.throwIfAborted();
  let onAbort: () => void = () => undefined;
  const aborted = new Promise<never>((_resolve, reject) => {
    onAbort = () => {
      const reason: unknown = signal.reason;
      reject(reason instanceof Error ? reason : new Error(String(reason)));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([promise, aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}
