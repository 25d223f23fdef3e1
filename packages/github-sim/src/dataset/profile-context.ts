import type { SimOrg, SimUser } from '../model.js';
import type { IdSequence } from './id-sequence.js';
import { RepoBuilder } from './repo-builder.js';
import type { RepoSpec } from './repo-spec.js';
import type { Roster } from './roster.js';
import { createSeededRandom, deriveSeed } from './seeded-random.js';
import type { SeededRandom } from './seeded-random.js';

/** What a profile builds from: the seed, the instant history ends at, and shared ids. */
export interface ProfileContext {
  readonly seed: number;
  /** `generatedAtMs` truncated to whole seconds; no event lies after it. */
  readonly anchorMs: number;
  readonly ids: IdSequence;
  readonly roster: Roster;
  /** An independent random stream per name (a repo's history does not shift when another's does). */
  rngFor(name: string): SeededRandom;
  builder(spec: RepoSpec): RepoBuilder;
}

/** An org plus the App installed on it; the generator adds the App's keys. */
export interface ProfileOrg {
  readonly org: SimOrg;
  readonly appSlug: string;
}

export interface ProfileWorld {
  readonly users: SimUser[];
  readonly orgs: readonly ProfileOrg[];
}

export function createProfileContext(
  seed: number,
  anchorMs: number,
  ids: IdSequence,
  roster: Roster,
): ProfileContext {
  return {
    seed,
    anchorMs,
    ids,
    roster,
    rngFor: (name) => createSeededRandom(deriveSeed(seed, name)),
    builder: (spec) => new RepoBuilder(spec, { seed, ids, personOf: roster.personOf }),
  };
}
