import type { SimCommitFile, SimReviewState } from '../model.js';
import type { GitPerson } from './git-person.js';
import type { RepoBuilder } from './repo-builder.js';
import type { ThreadHandle } from './repo-spec.js';
import type { SeededRandom } from './seeded-random.js';
import { DAY_MS, HOUR_MS, MINUTE_MS, SECOND_MS } from './sim-time.js';

/** Steady, random everyday activity of a repo between two instants. */
export interface ActivityPlan {
  /** Exclusive start (epoch ms). */
  readonly fromMs: number;
  /** Inclusive end (epoch ms): nothing generated here happens after it. */
  readonly toMs: number;
  /** Mean default-branch commits per day, or per day starting at `dayStartMs`. */
  readonly commitsPerDay: number | ((dayStartMs: number) => number);
  /** Linked committers; earlier ones commit more (activity is skewed, as in real teams). */
  readonly authors: readonly GitPerson[];
  /** Identities GitHub cannot link; used for `unlinkedShare` of the commits. */
  readonly unlinkedAuthors?: readonly GitPerson[];
  readonly unlinkedShare?: number;
  /** Share of commits whose author date is 1–6 days before the committer date (rebases). */
  readonly rebasedShare?: number;
  readonly pullsPerDay?: number;
  /** Default: the logins of `authors`. */
  readonly pullAuthors?: readonly string[];
  readonly reviewers?: readonly string[];
  readonly issuesPerDay?: number;
  /** Default: `reviewers`. */
  readonly commenters?: readonly string[];
}

const PATHS = [
  'src/index.ts',
  'src/server.ts',
  'src/routes/users.ts',
  'src/routes/orders.ts',
  'src/db/schema.sql',
  'src/lib/cache.ts',
  'test/server.test.ts',
  'docs/README.md',
  'package.json',
  '.github/workflows/ci.yml',
] as const;

const WORDS = ['cache', 'login', 'retry', 'billing', 'search', 'export', 'build', 'docs', 'api'];
const VERBS = ['Fix', 'Add', 'Refactor', 'Speed up', 'Document', 'Test', 'Remove', 'Rename'];

/** Adds everyday commits, PRs (with reviews and comments) and issues to `builder`. */
export function addBackgroundActivity(
  builder: RepoBuilder,
  rng: SeededRandom,
  plan: ActivityPlan,
): void {
  const logins = plan.authors.map((a) => a.login).filter((l): l is string => l !== null);
  const pullAuthors = plan.pullAuthors ?? logins;
  const reviewers = plan.reviewers ?? logins;
  const commenters = plan.commenters ?? reviewers;
  for (let dayStartMs = plan.fromMs; dayStartMs < plan.toMs; dayStartMs += DAY_MS) {
    const dayEndMs = Math.min(dayStartMs + DAY_MS, plan.toMs);
    const share = (dayEndMs - dayStartMs) / DAY_MS;
    const perDay =
      typeof plan.commitsPerDay === 'number' ? plan.commitsPerDay : plan.commitsPerDay(dayStartMs);
    for (let n = jitteredCount(rng, perDay * share); n > 0; n -= 1) {
      const committerMs = randomMs(rng, dayStartMs + SECOND_MS, dayEndMs);
      const unlinked = plan.unlinkedAuthors ?? [];
      const author =
        unlinked.length > 0 && rng.chance(plan.unlinkedShare ?? 0)
          ? rng.pick(unlinked)
          : pickSkewed(rng, plan.authors);
      const rebased = rng.chance(plan.rebasedShare ?? 0);
      builder.addCommit({
        author,
        authorMs: rebased
          ? committerMs - rng.int(1, 6) * DAY_MS - rng.int(0, 3600) * SECOND_MS
          : committerMs,
        committerMs,
        message: randomTitle(rng),
        files: randomFiles(rng),
      });
    }
    if (pullAuthors.length > 0) {
      for (let n = jitteredCount(rng, (plan.pullsPerDay ?? 0) * share); n > 0; n -= 1) {
        addRandomPull(builder, rng, {
          createdMs: randomMs(rng, dayStartMs + SECOND_MS, dayEndMs),
          toMs: plan.toMs,
          author: rng.pick(pullAuthors),
          reviewers,
          commenters,
          personOf: (login) => plan.authors.find((a) => a.login === login),
        });
      }
    }
    if (commenters.length > 0) {
      for (let n = jitteredCount(rng, (plan.issuesPerDay ?? 0) * share); n > 0; n -= 1) {
        addRandomIssue(
          builder,
          rng,
          randomMs(rng, dayStartMs + SECOND_MS, dayEndMs),
          plan.toMs,
          commenters,
        );
      }
    }
  }
}

interface RandomPullOptions {
  readonly createdMs: number;
  /** Nothing of this PR happens after it. */
  readonly toMs: number;
  readonly author: string;
  readonly reviewers: readonly string[];
  readonly commenters: readonly string[];
  /** The author's git identity for the PR's own commits; none are made when unknown. */
  readonly personOf: (login: string) => GitPerson | undefined;
}

/**
 * One PR with a random fate: merged (by someone else most of the time, as a merge commit
 * or a squash), closed unmerged, or still open; drafts are never merged. Reviews come in
 * every state, sometimes several by the same reviewer.
 */
function addRandomPull(
  builder: RepoBuilder,
  rng: SeededRandom,
  options: RandomPullOptions,
): ThreadHandle {
  const { createdMs, toMs, author } = options;
  const draft = rng.chance(0.1);
  const fate = rng.next();
  const endMs = Math.min(createdMs + rng.int(1, 96) * HOUR_MS + rng.int(0, 3599) * SECOND_MS, toMs);
  const others = options.reviewers.filter((r) => r !== author);
  const ends = endMs > createdMs && endMs < toMs;
  const merges = !draft && ends && fate < 0.6 && others.length > 0;
  const closes = ends && !merges && fate < 0.7;
  const lastMs = merges || closes ? endMs : toMs;
  const pull = builder.addPull({
    user: author,
    title: randomTitle(rng),
    createdMs,
    draft,
    ...(closes ? { closedMs: endMs } : {}),
    ...(merges
      ? {
          merge: {
            atMs: endMs,
            by: rng.chance(0.7) ? rng.pick(others) : author,
            style: rng.chance(0.5) ? ('merge' as const) : ('squash' as const),
            files: randomFiles(rng),
          },
        }
      : {}),
  });
  const person = options.personOf(author);
  if (person) {
    for (let n = rng.int(1, 2); n > 0; n -= 1) {
      builder.addCommit({
        author: person,
        authorMs: randomMs(rng, createdMs - HOUR_MS, createdMs),
        message: randomTitle(rng),
        files: randomFiles(rng),
        pull,
      });
    }
  }
  if (!draft && others.length > 0) {
    for (let reviewers = rng.int(0, 2); reviewers > 0; reviewers -= 1) {
      const reviewer = rng.pick(others);
      for (let n = rng.int(1, 2); n > 0; n -= 1) {
        builder.addReview(pull, {
          user: reviewer,
          state: randomReviewState(rng),
          atMs: randomMs(rng, createdMs, lastMs),
        });
      }
    }
  }
  addRandomComments(builder, rng, pull, createdMs, toMs, options.commenters, rng.int(0, 2));
  return pull;
}

function addRandomIssue(
  builder: RepoBuilder,
  rng: SeededRandom,
  createdMs: number,
  toMs: number,
  commenters: readonly string[],
): void {
  const closedMs = createdMs + rng.int(1, 240) * HOUR_MS;
  const issue = builder.addIssue({
    user: rng.pick(commenters),
    title: randomTitle(rng),
    createdMs,
    ...(rng.chance(0.4) && closedMs <= toMs ? { closedMs } : {}),
  });
  addRandomComments(builder, rng, issue, createdMs, toMs, commenters, rng.int(0, 4));
}

/** Comments at random times; one in five is edited later (`updatedAt` > `createdAt`). */
export function addRandomComments(
  builder: RepoBuilder,
  rng: SeededRandom,
  thread: ThreadHandle,
  fromMs: number,
  toMs: number,
  commenters: readonly string[],
  count: number,
): void {
  for (let n = count; n > 0 && commenters.length > 0; n -= 1) {
    const createdMs = randomMs(rng, fromMs, toMs);
    const editedMs = createdMs + rng.int(1, 72 * 60) * MINUTE_MS;
    builder.addComment(thread, {
      user: rng.pick(commenters),
      createdMs,
      ...(rng.chance(0.2) && editedMs <= toMs ? { updatedMs: editedMs } : {}),
      body: `${rng.pick(VERBS)} the ${rng.pick(WORDS)} part first?`,
    });
  }
}

export function randomReviewState(rng: SeededRandom): SimReviewState {
  const roll = rng.next();
  if (roll < 0.4) return 'APPROVED';
  if (roll < 0.6) return 'CHANGES_REQUESTED';
  if (roll < 0.88) return 'COMMENTED';
  if (roll < 0.95) return 'DISMISSED';
  return 'PENDING';
}

export function randomFiles(rng: SeededRandom): SimCommitFile[] {
  const files: SimCommitFile[] = [];
  for (let n = rng.int(1, 3); n > 0; n -= 1) {
    const filename = rng.pick(PATHS);
    if (files.some((f) => f.filename === filename)) continue;
    const added = rng.chance(0.1);
    files.push({
      filename,
      status: added ? 'added' : 'modified',
      additions: Math.floor(rng.next() ** 2 * 150) + 1,
      deletions: added ? 0 : Math.floor(rng.next() ** 2 * 60),
    });
  }
  return files;
}

export function randomTitle(rng: SeededRandom): string {
  return `${rng.pick(VERBS)} ${rng.pick(WORDS)} ${rng.pick(WORDS)}`;
}

/** A whole-second instant in [fromMs, toMs] (rounded inward). */
export function randomMs(rng: SeededRandom, fromMs: number, toMs: number): number {
  const first = Math.ceil(fromMs / SECOND_MS);
  const last = Math.floor(toMs / SECOND_MS);
  return rng.int(first, Math.max(first, last)) * SECOND_MS;
}

/** Earlier entries are picked more often (squared uniform index). */
function pickSkewed<T>(rng: SeededRandom, items: readonly T[]): T {
  const item = items[Math.floor(rng.next() ** 2 * items.length)];
  if (item === undefined) throw new Error('pickSkewed() needs a non-empty list');
  return item;
}

function jitteredCount(rng: SeededRandom, mean: number): number {
  const scaled = mean * (0.8 + 0.4 * rng.next());
  const whole = Math.floor(scaled);
  return whole + (rng.chance(scaled - whole) ? 1 : 0);
}
