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
  /**
   * Share of repos, the last ones, whose activity ended 60 days before the end of history,
   * outside any retention the fleet is configured with (as most of a large org); default 0.
   */
  readonly dormantRepoFraction?: number;
}

const BENCH_PEOPLE = Array.from({ length: 40 }, (_, i) => `user-${String(i + 1).padStart(2, '0')}`);

/**
 * One org `acme` (App 101, installation 1001) with `repoCount` repos of light history for
 * rate-limit benchmarks. The first `activeRepoFraction` of them (`repo-0001`, …) are active
 * up to the end of history; the last `dormantRepoFraction` stopped 60 days earlier; the rest
 * went quiet a week earlier, so they still have series but nothing new.
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
  const dormantFraction = bench.dormantRepoFraction ?? 0;
  if (!(dormantFraction >= 0 && fraction + dormantFraction <= 1)) {
    throw new RangeError(
      `bench.dormantRepoFraction must be within [0, 1 - activeRepoFraction], got ${dormantFraction}`,
    );
  }
  const activeCount = Math.round(bench.repoCount * fraction);
  const firstDormant = bench.repoCount - Math.round(bench.repoCount * dormantFraction);
  const repos = Array.from({ length: bench.repoCount }, (_, index) =>
    buildBenchRepo(
      context,
      index,
      index < activeCount ? 'active' : index >= firstDormant ? 'dormant' : 'quiet',
    ),
  );
  const { login, appId, installationId, appSlug } = STANDARD_ORGS.acme;
  return {
    users: roster.users,
    orgs: [{ org: { login, id: orgId, appId, installationId, repos }, appSlug }],
  };
}

/** Active to the end of history, quiet for its last week, or dormant for its last 60 days. */
type BenchRepoPace = 'active' | 'quiet' | 'dormant';

const LAST_ACTIVITY_BEFORE_END_MS: Readonly<Record<BenchRepoPace, number>> = {
  active: 0,
  quiet: WEEK_MS,
  dormant: 60 * DAY_MS,
};

function buildBenchRepo(context: ProfileContext, index: number, pace: BenchRepoPace): SimRepo {
  const active = pace === 'active';
  const a = context.anchorMs;
  const name = `repo-${String(index + 1).padStart(4, '0')}`;
  const rng = context.rngFor(`acme/${name}`);
  const team = Array.from({ length: 4 }, () => rng.pick(BENCH_PEOPLE));
  const builder = context.builder({ owner: 'acme', name, createdMs: a - 400 * DAY_MS });
  addBackgroundActivity(builder, rng, {
    fromMs: a - (pace === 'dormant' ? 120 * DAY_MS : 6 * WEEK_MS),
    toMs: a - LAST_ACTIVITY_BEFORE_END_MS[pace],
    commitsPerDay: active ? 1.5 : 0.3,
    authors: [...new Set(team)].map((login) => context.roster.personOf(login)),
    pullsPerDay: active ? 0.3 : 0.05,
    reviewers: team,
    issuesPerDay: active ? 0.2 : 0.05,
  });
  return builder.build();
}
