import { isDeepStrictEqual } from 'node:util';

import type { Octokit } from 'octokit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { GitHubSimulator, SimControl, SimOrg, SimRepo } from '../src/index.js';
import {
  REPO_CHANGES_QUERY,
  type RepoChangesData,
  type RepoChangesNode,
} from './repo-changes-query.js';
import { installationOctokit, standardDataset, startSimulator } from './sim-fixture.js';

/**
 * The proof issue 11 asks for: nothing the metrics count can change without one of the
 * watched fields (the RepoChanges answer of the repo) changing. For every event the control
 * API can inject, the RepoChanges answers and the ground truth are taken before and after it;
 * wherever a repo's metrics differ, its answer must differ too. Two documented exceptions
 * (docs/github-limitations.md, "What the RepoChanges query cannot see"): comment deletions,
 * and an event in the very second the answer was taken.
 */

/** Control methods that are not events in the world (faults, tokens, limits, counters). */
type NotAnEvent =
  | 'injectLatency'
  | 'injectErrors'
  | 'startOutage'
  | 'injectSecondaryLimit'
  | 'injectMalformed'
  | 'denyPermission'
  | 'refuseGraphql'
  | 'clearFaults'
  | 'faults'
  | 'expireTokens'
  | 'setRateLimitRemaining'
  | 'limits'
  | 'updateLimits'
  | 'resetCounters'
  | 'resetLimitWindows'
  | 'counters'
  | 'groundTruth';
type EventKind = Exclude<keyof SimControl, NotAnEvent>;

/**
 * - `visible`: the metrics change, and so does the answer of every repo whose metrics do;
 * - `unmetered`: no metric changes (the answer may);
 * - `same-second`: the metrics change while the answer does not, because the answer before
 *   was taken in the second of the repo's latest update (a client rechecks such a repo);
 * - `unseen`: the metrics change while the answer does not, with no such excuse. Only comment
 *   deletions may (GitHub moves no `updatedAt` on one, as far as its docs say): the fleet's
 *   comment reconcile finds them.
 */
type Visibility = 'visible' | 'unmetered' | 'same-second' | 'unseen';

interface Scenario {
  readonly name: string;
  readonly visibility: Visibility;
  /** Runs before the "before" answer is taken, in the same second as the event. */
  readonly setUp?: () => void;
  readonly apply: () => void;
}

type Answers = ReadonlyMap<number, RepoChangesNode>;
type Metrics = ReadonlyMap<number, readonly unknown[]>;

const SECOND_MS = 1000;

describe('every control-API event shows in the RepoChanges answer when it changes a metric', () => {
  let simulator: GitHubSimulator;
  let octokit: Octokit;
  let clockMs = Math.floor(Date.now() / SECOND_MS) * SECOND_MS;

  beforeAll(async () => {
    simulator = await startSimulator({ dataset: standardDataset(), now: () => clockMs });
    octokit = await installationOctokit(simulator, 'acme');
  });
  afterAll(async () => {
    await simulator.stop();
  });

  const acme = (): SimOrg => {
    const org = simulator.dataset.orgs.find((candidate) => candidate.login === 'acme');
    if (!org) throw new Error('no org acme');
    return org;
  };

  async function answers(): Promise<Answers> {
    const byId = new Map<number, RepoChangesNode>();
    let after: string | null = null;
    do {
      const data: RepoChangesData = await octokit.graphql<RepoChangesData>(REPO_CHANGES_QUERY, {
        org: 'acme',
        after,
      });
      const repositories = data.organization?.repositories;
      for (const node of repositories?.nodes ?? []) byId.set(node.databaseId, node);
      after = repositories?.pageInfo.hasNextPage ? repositories.pageInfo.endCursor : null;
    } while (after !== null);
    return byId;
  }

  /** The ground truth per repo id, users by id: renames of repos and users relabel, not recount. */
  function metrics(atMs: number): Metrics {
    const repoIds = new Map(acme().repos.map((repo) => [repo.name, repo.id]));
    const userIds = new Map(simulator.dataset.users.map((user) => [user.login, user.id]));
    const byRepo = new Map<number, unknown[]>();
    const series = simulator.groundTruth(atMs, { optionalResources: ['pr_review_comments'] });
    for (const { org, repo, user, ...values } of series) {
      if (org !== 'acme') continue;
      const repoId = repoIds.get(repo);
      if (repoId === undefined) throw new Error(`no repo ${repo}`);
      byRepo.set(repoId, [...(byRepo.get(repoId) ?? []), [userIds.get(user) ?? user, values]]);
    }
    for (const list of byRepo.values()) {
      list.sort((a, b) => String((a as unknown[])[0]).localeCompare(String((b as unknown[])[0])));
    }
    return byRepo;
  }

  /** Whether an answer taken at `takenAtMs` was taken in the second of one of its updates. */
  function isUnsettled(node: RepoChangesNode | undefined, takenAtMs: number): boolean {
    if (!node) return false;
    const times = [
      node.pushedAt,
      node.updatedAt,
      node.pullRequests.nodes[0]?.updatedAt,
      node.issues.nodes[0]?.updatedAt,
    ].filter((time): time is string => typeof time === 'string');
    return times.some((time) => Date.parse(time) >= Math.floor(takenAtMs / SECOND_MS) * SECOND_MS);
  }

  function writableRepo(predicate: (repo: SimRepo) => boolean): SimRepo {
    const repo = acme().repos.find(
      (candidate) =>
        !candidate.archived &&
        !candidate.disabled &&
        candidate.commits.filter((commit) => commit.branch === candidate.defaultBranch).length >
          2 &&
        predicate(candidate),
    );
    if (!repo) throw new Error('no repo fits the scenario');
    return repo;
  }

  it("dates its answers by the simulator's clock, which tells a client the answer's second", async () => {
    const response = await octokit.request('POST /graphql', { query: '{ rateLimit { cost } }' });
    expect(response.headers.date).toBe(new Date(clockMs).toUTCString());
  });

  it('holds for each event kind', async () => {
    const main = writableRepo(
      (repo) =>
        repo.issues.length > 0 && repo.pulls.some((pull) => pull.state === 'open' && !pull.draft),
    );
    const other = writableRepo((repo) => repo.id !== main.id);
    const people = simulator.dataset.users.filter((user) => user.type === 'User');
    const [alice, bob] = people;
    if (!alice || !bob) throw new Error('the dataset needs two users');
    const ref = { org: 'acme', repo: main.name };
    const openPull = () => {
      const pull = main.pulls.find((candidate) => candidate.state === 'open' && !candidate.draft);
      if (!pull) throw new Error(`no open PR in ${main.name}`);
      return pull;
    };
    const issueNumber = main.issues[0]?.number ?? 0;
    // The archived repo with the latest push: it has events within retention.
    const archivedAtBirth = acme()
      .repos.filter((repo) => repo.archived)
      .sort((a, b) => b.pushedAt.localeCompare(a.pushedAt))[0];
    if (!archivedAtBirth) throw new Error('the standard dataset has an archived repo');
    let lastComment = 0;
    let lastReviewComment = 0;
    let opened = 0;

    const scenarios: Record<EventKind, readonly Scenario[]> = {
      addCommit: [
        {
          name: 'a push to the default branch',
          visibility: 'visible',
          apply: () => simulator.addCommit(ref, { authorLogin: alice.login }),
        },
        {
          name: "a push to an open PR's branch (not counted)",
          visibility: 'unmetered',
          apply: () =>
            simulator.addCommit(ref, { authorLogin: alice.login, branch: openPull().headRef }),
        },
      ],
      openPull: [
        {
          name: 'a PR opened',
          visibility: 'visible',
          apply: () => {
            opened = simulator.openPull(ref, { user: bob.login }).number;
          },
        },
      ],
      mergePull: [
        {
          name: 'a PR merged',
          visibility: 'visible',
          apply: () => simulator.mergePull(ref, opened, alice.login),
        },
      ],
      addReview: [
        {
          name: 'a review',
          visibility: 'visible',
          apply: () =>
            simulator.addReview(ref, openPull().number, { user: alice.login, state: 'APPROVED' }),
        },
        {
          name: 'a pending review (not counted)',
          visibility: 'unmetered',
          apply: () =>
            simulator.addReview(ref, openPull().number, { user: bob.login, state: 'PENDING' }),
        },
      ],
      addReviews: [
        {
          name: 'a burst of reviews',
          visibility: 'visible',
          apply: () =>
            simulator.addReviews(ref, openPull().number, {
              count: 3,
              users: [alice.login, bob.login],
            }),
        },
      ],
      addReviewInUpdateSecond: [
        {
          name: "a review in the second of the PR's last update, after the answer",
          visibility: 'same-second',
          setUp: () => simulator.addIssueComment(ref, openPull().number, { user: bob.login }),
          apply: () =>
            simulator.addReviewInUpdateSecond(ref, openPull().number, {
              user: alice.login,
              state: 'COMMENTED',
            }),
        },
      ],
      forcePush: [
        {
          name: 'a force-push that replaces the head',
          visibility: 'visible',
          apply: () =>
            simulator.forcePush(ref, { dropCommits: 1, commits: [{ authorLogin: bob.login }] }),
        },
        {
          name: 'a force-push that only drops the head',
          visibility: 'visible',
          apply: () => simulator.forcePush(ref, { dropCommits: 1, commits: [] }),
        },
      ],
      addIssueComment: [
        {
          name: 'a comment on an issue',
          visibility: 'visible',
          apply: () => {
            lastComment = simulator.addIssueComment(ref, issueNumber, { user: bob.login }).id;
          },
        },
        {
          name: 'a comment on a PR',
          visibility: 'visible',
          apply: () => simulator.addIssueComment(ref, openPull().number, { user: alice.login }),
        },
      ],
      addReviewComment: [
        {
          name: 'a review comment',
          visibility: 'visible',
          apply: () => {
            lastReviewComment = simulator.addReviewComment(ref, openPull().number, {
              user: bob.login,
            }).id;
          },
        },
      ],
      deleteIssueComment: [
        {
          name: 'a comment deleted',
          visibility: 'unseen',
          apply: () => simulator.deleteIssueComment(ref, lastComment),
        },
      ],
      deleteReviewComment: [
        {
          name: 'a review comment deleted',
          visibility: 'unseen',
          apply: () => simulator.deleteReviewComment(ref, lastReviewComment),
        },
      ],
      transferIssue: [
        {
          name: 'an issue with a new comment transferred to another repo',
          visibility: 'visible',
          setUp: () => {
            lastComment = simulator.addIssueComment(ref, issueNumber, { user: alice.login }).id;
          },
          apply: () => simulator.transferIssue(ref, issueNumber, other.name),
        },
      ],
      renameUser: [
        {
          name: 'a user renamed (series relabelled, not recounted)',
          visibility: 'unmetered',
          apply: () => simulator.renameUser(bob.login, `${bob.login}-renamed`),
        },
      ],
      renameRepo: [
        {
          name: 'a repo renamed',
          visibility: 'unmetered',
          apply: () => simulator.renameRepo({ org: 'acme', repo: other.name }, `${other.name}-2`),
        },
      ],
      archiveRepo: [
        {
          name: 'a repo archived (its series live on)',
          visibility: 'unmetered',
          apply: () => simulator.archiveRepo({ org: 'acme', repo: other.name }),
        },
      ],
      unarchiveRepo: [
        {
          name: 'a repo archived by the control API unarchived',
          visibility: 'unmetered',
          apply: () => simulator.unarchiveRepo({ org: 'acme', repo: other.name }),
        },
        {
          name: 'a repo archived at birth unarchived (its series appear)',
          visibility: 'visible',
          apply: () => simulator.unarchiveRepo({ org: 'acme', repo: archivedAtBirth.name }),
        },
      ],
      transferRepoOut: [
        {
          name: 'a repo transferred out',
          visibility: 'visible',
          apply: () => simulator.transferRepoOut({ org: 'acme', repo: other.name }),
        },
      ],
      deleteRepo: [
        {
          name: 'a repo deleted',
          visibility: 'visible',
          apply: () => simulator.deleteRepo(ref),
        },
      ],
    };

    const outcomes: { name: string; visibility: Visibility; observed: Visibility }[] = [];
    for (const scenario of Object.values(scenarios).flat()) {
      clockMs += 2 * SECOND_MS;
      scenario.setUp?.();
      const takenAtMs = clockMs;
      const answersBefore = await answers();
      if (!scenario.setUp) clockMs += SECOND_MS;
      const metricsBefore = metrics(clockMs);
      scenario.apply();
      const metricsAfter = metrics(clockMs);
      const answersAfter = await answers();

      const repoIds = new Set([
        ...metricsBefore.keys(),
        ...metricsAfter.keys(),
        ...answersBefore.keys(),
      ]);
      const changed = [...repoIds].filter(
        (id) => !isDeepStrictEqual(metricsBefore.get(id), metricsAfter.get(id)),
      );
      const unseen = changed.filter((id) =>
        isDeepStrictEqual(answersBefore.get(id), answersAfter.get(id)),
      );
      const observed: Visibility =
        changed.length === 0
          ? 'unmetered'
          : unseen.length === 0
            ? 'visible'
            : unseen.every((id) => isUnsettled(answersBefore.get(id), takenAtMs))
              ? 'same-second'
              : 'unseen';
      outcomes.push({ name: scenario.name, visibility: scenario.visibility, observed });
    }
    expect(outcomes.map(({ name, observed }) => ({ name, observed }))).toEqual(
      outcomes.map(({ name, visibility }) => ({ name, observed: visibility })),
    );
  });
});
