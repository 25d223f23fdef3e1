import type { SimApp, SimDataset } from '../model.js';
import { generateAppKeyPair } from './app-keys.js';
import type { AppKeyPair } from './app-keys.js';
import { buildBenchWorld } from './bench-profile.js';
import type { BenchOptions } from './bench-profile.js';
import { createIdSequence } from './id-sequence.js';
import type { IdSequence } from './id-sequence.js';
import type { ProfileWorld } from './profile-context.js';
import { floorToSecond } from './sim-time.js';
import { buildStandardWorld } from './standard-profile.js';

export interface DatasetOptions {
  /** Any 32-bit integer; the whole history (not the App keys) is a function of it. */
  seed: number;
  /**
   * History ends here (epoch ms, truncated to whole seconds); events spread over the eight
   * weeks before it, and none lies after it.
   */
  generatedAtMs: number;
  /** Default `standard`. */
  profile?: 'standard' | 'bench';
  /** Required for profile `bench`. */
  bench?: BenchOptions;
  /**
   * Key pairs to reuse, matched by `appId` (a previous dataset's `apps` will do): RSA key
   * generation is the slow and the only non-deterministic part. Missing ones are generated.
   */
  keyPairs?: readonly AppKeyPair[];
}

/** Ids start high enough to look like GitHub's and never collide with App or installation ids. */
const FIRST_ID = 100_001;

/**
 * Builds a simulated GitHub world, deterministic for (seed, generatedAtMs, profile) except
 * for the Apps' RSA keys.
 *
 * `standard` (the demo and the tests): org `acme` (App 101, installation 1001) and `globex`
 * (App 102, installation 1002), eight weeks of history covering many users, bots, unlinked
 * authors (noreply emails in both forms, plain emails), UI merges committed by `web-flow`,
 * a repo with ~200 commits a day, a repo with > 100 PRs updated in the last 24 h, a repo
 * with > 100 contributors, a repo with `statsReportZeroLines`, an empty repo, a `develop`
 * default branch with commits on other branches, archived, disabled and forked repos, PRs
 * in every state, reviews in every state, edited comments, rebased commits, quiet users,
 * and events exactly on the window and retention edges. A full scrape of the last 30 days
 * takes well under a few thousand requests.
 *
 * `bench`: one org `acme` (101/1001) with `bench.repoCount` repos of light history.
 */
export function generateDataset(options: DatasetOptions): SimDataset {
  const anchorMs = floorToSecond(options.generatedAtMs);
  const ids = createIdSequence(FIRST_ID);
  const world = buildWorld(options, anchorMs, ids);
  const apps = world.orgs.map(({ org, appSlug }): SimApp => {
    const keys =
      options.keyPairs?.find((pair) => pair.appId === org.appId) ?? generateAppKeyPair(org.appId);
    return {
      appId: org.appId,
      slug: appSlug,
      privateKeyPem: keys.privateKeyPem,
      publicKeyPem: keys.publicKeyPem,
    };
  });
  return {
    seed: options.seed,
    generatedAtMs: options.generatedAtMs,
    users: world.users,
    apps,
    orgs: world.orgs.map(({ org }) => org),
    nextId: ids.peek(),
  };
}

function buildWorld(options: DatasetOptions, anchorMs: number, ids: IdSequence): ProfileWorld {
  const profile = options.profile ?? 'standard';
  switch (profile) {
    case 'standard':
      return buildStandardWorld(options.seed, anchorMs, ids);
    case 'bench':
      if (!options.bench) throw new TypeError("profile 'bench' needs options.bench");
      return buildBenchWorld(options.seed, anchorMs, ids, options.bench);
  }
}
