import { escapeLabelValue } from './escape-text.js';
import type { ExpositionFormat } from './exposition-format.js';
import { renderFamilyHeader } from './family-header.js';
import { formatSampleValue } from './sample-value.js';

/** A business gauge family: `ACTIVITY_METRICS` of `@gse/activity` fits as is. */
export interface ActivityFamily {
  readonly name: string;
  readonly help: string;
  readonly unit?: string;
  /** Which column of a block holds its values; default its place in the families rendered. */
  readonly column?: number;
}

/**
 * The business series of one repo, column by column: the shape the gateway's Redis reader
 * hands over, compact enough to keep a million series in memory (a few tens of bytes each).
 */
export interface ActivitySeriesBlock {
  readonly org: string;
  readonly repo: string;
  /** Users, in exposition order. */
  readonly users: readonly string[];
  /**
   * One column of `users.length` values per family, family-major: the value of family `m`
   * for user `i` is at `m * users.length + i`.
   */
  readonly values: Readonly<ArrayLike<number>>;
}

/** How many characters a chunk reaches before it is handed on (~64 KiB of ASCII). */
export const DEFAULT_CHUNK_CHARS = 64 * 1024;

/**
 * The business gauge families (DESIGN.md §5: `gh_activity_*`, labels exactly `org`, `repo`,
 * `user`), each with its header once and then every series in block order, as text chunks
 * of about `chunkChars`: a consumer that writes each chunk before asking for the next holds
 * one chunk, never the whole body (8 × 1M series is ~500 MB of text).
 */
export function* renderActivityFamilies(
  format: ExpositionFormat,
  families: readonly ActivityFamily[],
  blocks: readonly ActivitySeriesBlock[],
  chunkChars = DEFAULT_CHUNK_CHARS,
): Generator<string, void, undefined> {
  // Escaped once per render, not once per metric: eight passes share them.
  const labelHeads = blocks.map(
    (block) =>
      `{org="${escapeLabelValue(block.org)}",repo="${escapeLabelValue(block.repo)}",user="`,
  );
  const escapedUsers = blocks.map((block) => escapeUsers(block.users));
  let chunk = '';
  for (const [familyIndex, family] of families.entries()) {
    chunk += renderFamilyHeader(format, { ...family, type: 'gauge' });
    for (const [blockIndex, block] of blocks.entries()) {
      const head = `${family.name}${labelHeads[blockIndex] ?? ''}`;
      const users = escapedUsers[blockIndex] ?? [];
      const { values } = block;
      const base = (family.column ?? familyIndex) * users.length;
      for (let row = 0; row < users.length; row++) {
        chunk += `${head}${users[row] ?? ''}"} ${formatSampleValue(values[base + row] ?? 0)}\n`;
        if (chunk.length >= chunkChars) {
          yield chunk;
          chunk = '';
        }
      }
    }
  }
  if (chunk.length > 0) yield chunk;
}

/** The users with their values escaped; the same array when none needs it. */
function escapeUsers(users: readonly string[]): readonly string[] {
  let escaped: string[] | undefined;
  users.forEach((user, index) => {
    const value = escapeLabelValue(user);
    if (value !== user) {
      escaped ??= [...users];
      escaped[index] = value;
    }
  });
  return escaped ?? users;
}
