import type { SimCommitFile, SimRepo } from '../model.js';
import {
  addBackgroundActivity,
  randomFiles,
  randomMs,
  randomTitle,
} from './background-activity.js';
import type { GitPerson } from './git-person.js';
import { noreplyEmail } from './git-person.js';
import { addHotPulls } from './hot-pulls.js';
import type { ProfileContext } from './profile-context.js';
import { ACME_PEOPLE, COMMUNITY_CONTRIBUTORS } from './standard-people.js';
import { DAY_MS, HOUR_MS, SECOND_MS, WEEK_MS, lastSundayStartMs } from './sim-time.js';

const HISTORY_MS = 8 * WEEK_MS;

/**
 * acme's repos: the busy monorepo (~200 commits a day), the repo with > 100 PRs updated in
 * the last day, the one with > 100 contributors, the stand-in for a 10,000+ commit repo,
 * an empty repo, a `develop` default branch, archived, disabled and forked repos.
 */
export function buildAcmeRepos(context: ProfileContext): SimRepo[] {
  return [
    buildPlatform(context),
    buildWeb(context),
    buildCommunity(context),
    buildLegacyMonolith(context),
    buildSandbox(context),
    buildMobile(context),
    buildArchivedRepos(context),
    buildDisabledRepo(context),
    buildFork(context),
    buildDocs(context),
  ].flat();
}

function people(context: ProfileContext, logins: readonly string[]): GitPerson[] {
  return logins.map((login) => context.roster.personOf(login));
}

/**
 * Identities GitHub does not link to an account (commit `author` is null): noreply emails
 * in both forms (attributed by the login inside), a plain corporate email, an email whose
 * local part equals a login (still `unlinked`), and a deleted account's noreply email.
 */
function unlinkedPeople(context: ProfileContext): GitPerson[] {
  return [
    { login: null, name: 'carol', email: noreplyEmail(context.roster.user('carol')) },
    { login: null, name: 'dave', email: 'dave@users.noreply.github.com' },
    { login: null, name: 'Jamie Smith', email: 'jamie.smith@acme-corp.example' },
    { login: null, name: 'alice', email: 'alice@old-laptop.local' },
    { login: null, name: 'Former Dev', email: '31337+former-dev@users.noreply.github.com' },
  ];
}

function buildPlatform(context: ProfileContext): SimRepo {
  const a = context.anchorMs;
  const builder = context.builder({ owner: 'acme', name: 'platform', createdMs: a - 700 * DAY_MS });
  const core = ACME_PEOPLE.slice(0, 12);
  addBackgroundActivity(builder, context.rngFor('acme/platform'), {
    fromMs: a - HISTORY_MS,
    toMs: a,
    commitsPerDay: (dayStartMs) => (dayStartMs >= a - 32 * DAY_MS ? 200 : 25),
    authors: [...people(context, core), context.roster.personOf('dependabot[bot]')],
    unlinkedAuthors: unlinkedPeople(context),
    unlinkedShare: 0.03,
    rebasedShare: 0.05,
    pullsPerDay: 3,
    pullAuthors: [...core, 'dependabot[bot]'],
    reviewers: core.slice(0, 8),
    issuesPerDay: 1,
    commenters: [...core, 'github-actions[bot]'],
  });
  // Every unlinked identity also commits in the last day, whatever the random draw.
  for (const [index, author] of unlinkedPeople(context).entries()) {
    builder.addCommit({ author, authorMs: a - (index + 1) * 2 * HOUR_MS, files: lines(index + 1) });
  }
  return builder.build();
}

function lines(additions: number): SimCommitFile[] {
  return [{ filename: 'README.md', status: 'modified', additions, deletions: 1 }];
}

function buildWeb(context: ProfileContext): SimRepo {
  const a = context.anchorMs;
  const rng = context.rngFor('acme/web');
  const builder = context.builder({ owner: 'acme', name: 'web', createdMs: a - 500 * DAY_MS });
  const team = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi'];
  addBackgroundActivity(builder, rng, {
    fromMs: a - HISTORY_MS,
    toMs: a,
    commitsPerDay: 8,
    authors: people(context, team),
    rebasedShare: 0.05,
    pullsPerDay: 0.8,
    reviewers: team,
    issuesPerDay: 0.3,
  });
  addHotPulls(builder, rng, {
    count: 130,
    anchorMs: a,
    authors: [...team, 'renovate[bot]'],
    reviewers: team,
    people: people(context, team),
  });
  // One PR reviewed in every submitted state, three times by the same reviewer, with a
  // pending review, and merged by someone other than its author.
  const pull = builder.addPull({
    user: 'alice',
    title: 'Refactor auth middleware',
    createdMs: a - 4 * DAY_MS,
    merge: { atMs: a - 10 * HOUR_MS, by: 'bob', style: 'merge' },
  });
  builder.addCommit({
    author: context.roster.personOf('alice'),
    authorMs: a - 4 * DAY_MS - HOUR_MS,
    files: [{ filename: 'src/auth.ts', status: 'modified', additions: 120, deletions: 80 }],
    message: 'Refactor auth middleware',
    pull,
  });
  builder.addReview(pull, { user: 'bob', state: 'CHANGES_REQUESTED', atMs: a - 3 * DAY_MS });
  builder.addReview(pull, { user: 'bob', state: 'COMMENTED', atMs: a - 2 * DAY_MS });
  builder.addReview(pull, { user: 'carol', state: 'DISMISSED', atMs: a - 2 * DAY_MS + HOUR_MS });
  builder.addReview(pull, { user: 'bob', state: 'APPROVED', atMs: a - 20 * HOUR_MS });
  builder.addReview(pull, { user: 'dave', state: 'PENDING', atMs: a - 5 * HOUR_MS });
  return builder.build();
}

/**
 * 120 outside contributors plus maintainers: more than the top 100 that
 * `/stats/contributors` lists, most with lines in the last complete week.
 */
function buildCommunity(context: ProfileContext): SimRepo {
  const a = context.anchorMs;
  const rng = context.rngFor('acme/community');
  const builder = context.builder({
    owner: 'acme',
    name: 'community',
    createdMs: a - 900 * DAY_MS,
  });
  const maintainers = ['alice', 'bob', 'grace'];
  addBackgroundActivity(builder, rng, {
    fromMs: a - HISTORY_MS,
    toMs: a,
    commitsPerDay: 6,
    authors: people(context, maintainers),
    pullsPerDay: 0.5,
    reviewers: maintainers,
    issuesPerDay: 0.5,
    commenters: [...maintainers, ...COMMUNITY_CONTRIBUTORS.slice(0, 20)],
  });
  const weekEndMs = lastSundayStartMs(a);
  const weekStartMs = weekEndMs - WEEK_MS;
  for (const [index, login] of COMMUNITY_CONTRIBUTORS.entries()) {
    const author = context.roster.personOf(login);
    for (let n = rng.int(1, 3); n > 0; n -= 1) {
      const authorMs = randomMs(rng, weekStartMs, weekEndMs - SECOND_MS);
      const committerMs = Math.min(authorMs + rng.int(0, 48) * HOUR_MS, a);
      builder.addCommit({
        author,
        authorMs,
        committerMs,
        files: randomFiles(rng),
        message: randomTitle(rng),
      });
    }
    for (let n = rng.int(0, 3); n > 0; n -= 1) {
      const authorMs = randomMs(rng, a - 6 * WEEK_MS, a);
      builder.addCommit({ author, authorMs, files: randomFiles(rng), message: randomTitle(rng) });
    }
    if (index % 4 === 0) {
      const createdMs = randomMs(rng, a - 25 * DAY_MS, a - 2 * DAY_MS);
      builder.addPull({
        user: login,
        title: randomTitle(rng),
        createdMs,
        merge: {
          atMs: createdMs + DAY_MS,
          by: rng.pick(maintainers),
          style: 'squash',
          files: randomFiles(rng),
        },
      });
    }
  }
  return builder.build();
}

/** Stands in for a 10,000+ commit repo: `/stats/contributors` reports zero lines for it. */
function buildLegacyMonolith(context: ProfileContext): SimRepo {
  const a = context.anchorMs;
  const builder = context.builder({
    owner: 'acme',
    name: 'legacy-monolith',
    createdMs: a - 3000 * DAY_MS,
    statsReportZeroLines: true,
  });
  const team = ['heidi', 'ivan', 'judy', 'mallory', 'niaj'];
  addBackgroundActivity(builder, context.rngFor('acme/legacy-monolith'), {
    fromMs: a - HISTORY_MS,
    toMs: a,
    commitsPerDay: 12,
    authors: people(context, team),
    unlinkedAuthors: unlinkedPeople(context),
    unlinkedShare: 0.02,
    rebasedShare: 0.05,
    pullsPerDay: 1,
    reviewers: team,
    issuesPerDay: 0.3,
  });
  return builder.build();
}

/** No commits at all (409 on /commits, 204 on stats), but its issue tracker is in use. */
function buildSandbox(context: ProfileContext): SimRepo {
  const a = context.anchorMs;
  const builder = context.builder({ owner: 'acme', name: 'sandbox', createdMs: a - 20 * DAY_MS });
  const issue = builder.addIssue({
    user: 'olivia',
    title: 'What is this repo for?',
    createdMs: a - 3 * DAY_MS,
  });
  builder.addComment(issue, { user: 'peggy', createdMs: a - 5 * HOUR_MS, body: 'Experiments.' });
  return builder.build();
}

/**
 * Default branch `develop`; `main` (releases) and a feature branch get commits too, which
 * must not count: `trent` commits only to `main`.
 */
function buildMobile(context: ProfileContext): SimRepo {
  const a = context.anchorMs;
  const rng = context.rngFor('acme/mobile');
  const builder = context.builder({
    owner: 'acme',
    name: 'mobile',
    createdMs: a - 400 * DAY_MS,
    defaultBranch: 'develop',
  });
  const team = ['olivia', 'peggy', 'rupert', 'sybil'];
  addBackgroundActivity(builder, rng, {
    fromMs: a - HISTORY_MS,
    toMs: a,
    commitsPerDay: 5,
    authors: people(context, team),
    pullsPerDay: 0.7,
    reviewers: team,
    issuesPerDay: 0.2,
  });
  for (let dayMs = a - HISTORY_MS; dayMs < a; dayMs += DAY_MS) {
    builder.addCommit({
      author: context.roster.personOf('trent'),
      authorMs: randomMs(rng, dayMs + SECOND_MS, dayMs + DAY_MS),
      branch: 'main',
      files: randomFiles(rng),
      message: 'Release build',
    });
  }
  for (let dayMs = a - 10 * DAY_MS; dayMs < a; dayMs += DAY_MS / 2) {
    builder.addCommit({
      author: context.roster.personOf('sybil'),
      authorMs: randomMs(rng, dayMs + SECOND_MS, dayMs + DAY_MS / 2),
      branch: 'feature/offline-mode',
      files: randomFiles(rng),
      message: 'WIP offline mode',
    });
  }
  return builder.build();
}

/** Archived repos are never scraped: one active until five days ago, one long dormant. */
function buildArchivedRepos(context: ProfileContext): SimRepo[] {
  const a = context.anchorMs;
  const recent = context.builder({
    owner: 'acme',
    name: 'legacy-api',
    createdMs: a - 800 * DAY_MS,
    archived: true,
  });
  addBackgroundActivity(recent, context.rngFor('acme/legacy-api'), {
    fromMs: a - HISTORY_MS,
    toMs: a - 5 * DAY_MS,
    commitsPerDay: 4,
    authors: people(context, ['victor', 'walter', 'yvonne']),
    pullsPerDay: 0.5,
    issuesPerDay: 0.2,
  });
  const dormant = context.builder({
    owner: 'acme',
    name: 'old-website',
    createdMs: a - 1000 * DAY_MS,
    archived: true,
  });
  addBackgroundActivity(dormant, context.rngFor('acme/old-website'), {
    fromMs: a - 400 * DAY_MS,
    toMs: a - 300 * DAY_MS,
    commitsPerDay: 2,
    authors: people(context, ['victor', 'walter']),
    pullsPerDay: 0.2,
  });
  return [recent.build(), dormant.build()];
}

/** Disabled (e.g. by a billing lock) yet with activity in the last day: never scraped. */
function buildDisabledRepo(context: ProfileContext): SimRepo {
  const a = context.anchorMs;
  const builder = context.builder({
    owner: 'acme',
    name: 'billing-export',
    createdMs: a - 300 * DAY_MS,
    disabled: true,
  });
  addBackgroundActivity(builder, context.rngFor('acme/billing-export'), {
    fromMs: a - HISTORY_MS,
    toMs: a,
    commitsPerDay: 3,
    authors: people(context, ['frank', 'grace']),
    pullsPerDay: 0.3,
    issuesPerDay: 0.2,
  });
  return builder.build();
}

function buildFork(context: ProfileContext): SimRepo {
  const a = context.anchorMs;
  const builder = context.builder({
    owner: 'acme',
    name: 'terraform-modules',
    createdMs: a - 120 * DAY_MS,
    fork: true,
  });
  addBackgroundActivity(builder, context.rngFor('acme/terraform-modules'), {
    fromMs: a - HISTORY_MS,
    toMs: a,
    commitsPerDay: 2,
    authors: people(context, ['ivan', 'judy']),
    unlinkedAuthors: unlinkedPeople(context).slice(4),
    unlinkedShare: 0.1,
    pullsPerDay: 0.3,
  });
  return builder.build();
}

/**
 * Issue-heavy, with bots, and comments edited long after they were written: one created
 * before the retention window and edited in the last hours (must not count).
 */
function buildDocs(context: ProfileContext): SimRepo {
  const a = context.anchorMs;
  const builder = context.builder({ owner: 'acme', name: 'docs', createdMs: a - 600 * DAY_MS });
  addBackgroundActivity(builder, context.rngFor('acme/docs'), {
    fromMs: a - HISTORY_MS,
    toMs: a,
    commitsPerDay: 2,
    authors: [...people(context, ['erin', 'frank']), context.roster.personOf('renovate[bot]')],
    pullsPerDay: 0.5,
    pullAuthors: ['renovate[bot]', 'erin', 'frank'],
    reviewers: ['erin', 'frank', 'grace'],
    issuesPerDay: 2,
    commenters: ['erin', 'frank', 'grace', 'heidi', 'github-actions[bot]'],
  });
  const issue = builder.addIssue({
    user: 'erin',
    title: 'Style guide',
    createdMs: a - 45 * DAY_MS,
  });
  builder.addComment(issue, {
    user: 'frank',
    createdMs: a - 40 * DAY_MS,
    updatedMs: a - 3 * HOUR_MS,
  });
  builder.addComment(issue, { user: 'grace', createdMs: a - 10 * DAY_MS, updatedMs: a - HOUR_MS });
  builder.addComment(issue, { user: 'heidi', createdMs: a - 2 * HOUR_MS, updatedMs: a - HOUR_MS });
  return builder.build();
}
