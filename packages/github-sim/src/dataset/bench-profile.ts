import type { SimRepo } from '../model.js';
import { addBackgroundActivity } from './background-activity.js';
import type { IdSequence } from './id-sequence.js';
import { createProfileContext } from './profile-context.js';
import type { ProfileContext, ProfileWorld } from './profile-context.js';
import { createRoster } from './roster.js';
import { DAY_MS, WEEK_MS } from './sim-time.js';
import { STANDARD_ORGS } from './standard-profile.js';

export interface BenchOptions {
  /** Number of repos in org `acme`. */
  readonly repoCount: number;
  /** Share of repos active up to the end of history; default 0.2. */
  readonly activeRepoFraction?: number;
}

const BENCH_PEOPLE = Array.from({ length: 40 }, (_, i) => `user-${String(i + 1).padStart(2, '0')}`);

/**
 * One org `acme` (App 101, installation 1001) with `repoCount` repos of light history for
 * rate-limit benchmarks. The first `activeRepoFraction` of them (`repo-0001`, …) are active
 * up to the end of history; the rest went quiet a week earlier, so they still have series
 * but nothing new.
 */
export function buildBenchWorld(
  seed: number,
  anchorMs: number,
  ids: IdSequence,
  bench: BenchOptions,
): ProfileWorld {
  if (!Number.isInteger(bench.repoCount) || bench.repoCount < 1) {
    throw new RangeError(`bench.repoCount must be a positive integer, got ${bench.repoCount}`);
  }
  const fraction = bench.activeRepoFraction ?? 0.2;
  if (!(fraction >= 0 && fraction <= 1)) {
    throw new RangeError(`bench.activeRepoFraction must be within [0, 1], got ${fraction}`);
  }
  const roster = createRoster(ids, [
    ...BENCH_PEOPLE.map((login) => ({ login })),
    { login: 'dependabot[bot]' },
  ]);
  const context = createProfileContext(seed, anchorMs, ids, roster);
  const orgId = ids.next();
  const activeCount = Math.round(bench.repoCount * fraction);
  const repos = Array.from({ length: bench.repoCount }, (_, index) =>
    buildBenchRepo(context, index, index < activeCount),
  );
  const { login, appId, installationId, appSlug } = STANDARD_ORGS.acme;
  return {
    users: roster.users,
    orgs: [{ org: { login, id: orgId, appId, installationId, repos }, appSlug }],
  };
}

function buildBenchRepo(context: ProfileContext, index: number, active: boolean): SimRepo {
  const a = context.anchorMs;
  const name = `repo-${String(index + 1).padStart(4, '0')}`;
  const rng = context.rngFor(`acme/${name}`);
  const team = Array.from({ length: 4 }, () => rng.pick(BENCH_PEOPLE));
  const builder = context.builder({ owner: 'acme', name, createdMs: a - 400 * DAY_MS });
  addBackgroundActivity(builder, rng, {
    fromMs: a - 6 * WEEK_MS,
    toMs: active ? a : a - WEEK_MS,
    commitsPerDay: active ? 1.5 : 0.3,
    authors: [...new Set(team)].map((login) => context.roster.personOf(login)),
    pullsPerDay: active ? 0.3 : 0.05,
    reviewers: team,
    issuesPerDay: active ? 0.2 : 0.05,
  });
  return builder.build();
}
