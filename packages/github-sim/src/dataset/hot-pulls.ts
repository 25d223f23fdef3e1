import {
  addRandomComments,
  randomFiles,
  randomMs,
  randomReviewState,
  randomTitle,
} from './background-activity.js';
import type { GitPerson } from './git-person.js';
import type { RepoBuilder } from './repo-builder.js';
import type { SeededRandom } from './seeded-random.js';
import { DAY_MS, HOUR_MS, MINUTE_MS, SECOND_MS } from './sim-time.js';

export interface HotPullsPlan {
  readonly count: number;
  /** The end of history: every PR is touched in `(anchorMs − 24h, anchorMs]`. */
  readonly anchorMs: number;
  /** PR authors; a login missing from `people` (a bot) opens PRs without commits of its own. */
  readonly authors: readonly string[];
  readonly reviewers: readonly string[];
  readonly people: readonly GitPerson[];
}

/**
 * `count` PRs opened in the last two weeks, each updated in the last 24 hours by a review,
 * a comment, a merge or a close: the busy repo whose recently-updated PRs span pages.
 */
export function addHotPulls(builder: RepoBuilder, rng: SeededRandom, plan: HotPullsPlan): void {
  const windowStartMs = plan.anchorMs - DAY_MS + SECOND_MS;
  for (let index = 0; index < plan.count; index += 1) {
    const createdMs = randomMs(rng, plan.anchorMs - 14 * DAY_MS, plan.anchorMs - 2 * HOUR_MS);
    const touchMs = randomMs(rng, Math.max(windowStartMs, createdMs + MINUTE_MS), plan.anchorMs);
    const author = rng.pick(plan.authors);
    const others = plan.reviewers.filter((r) => r !== author);
    const draft = rng.chance(0.15);
    const roll = rng.next();
    const merges = !draft && roll < 0.25;
    const closes = !merges && roll < 0.3;
    const pull = builder.addPull({
      user: author,
      title: randomTitle(rng),
      createdMs,
      draft,
      ...(closes ? { closedMs: touchMs } : {}),
      ...(merges
        ? {
            merge: {
              atMs: touchMs,
              by: rng.pick(others),
              style: rng.chance(0.5) ? ('merge' as const) : ('squash' as const),
              files: randomFiles(rng),
            },
          }
        : {}),
    });
    const person = plan.people.find((p) => p.login === author);
    if (person) {
      builder.addCommit({
        author: person,
        authorMs: randomMs(rng, createdMs - HOUR_MS, createdMs),
        message: randomTitle(rng),
        files: randomFiles(rng),
        pull,
      });
    }
    if (!draft) {
      for (let n = rng.int(0, 2); n > 0; n -= 1) {
        builder.addReview(pull, {
          user: rng.pick(others),
          state: randomReviewState(rng),
          atMs: randomMs(rng, createdMs, touchMs),
        });
      }
    }
    if (merges) {
      builder.addReview(pull, { user: rng.pick(others), state: 'APPROVED', atMs: touchMs });
    } else if (!closes && !draft && rng.chance(0.6)) {
      const state = rng.pick(['APPROVED', 'CHANGES_REQUESTED', 'COMMENTED'] as const);
      builder.addReview(pull, { user: rng.pick(others), state, atMs: touchMs });
    } else if (!closes) {
      builder.addComment(pull, { user: rng.pick(others), createdMs: touchMs, body: 'Any update?' });
    }
    addRandomComments(builder, rng, pull, createdMs, touchMs, others, rng.int(0, 1));
  }
}
