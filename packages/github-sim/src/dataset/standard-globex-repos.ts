import type { SimCommitFile, SimRepo } from '../model.js';
import { addBackgroundActivity } from './background-activity.js';
import type { GitPerson } from './git-person.js';
import { noreplyEmail } from './git-person.js';
import type { ProfileContext } from './profile-context.js';
import type { RepoBuilder } from './repo-builder.js';
import { DAY_MS, HOUR_MS, SECOND_MS, WEEK_MS, lastSundayStartMs } from './sim-time.js';

const HISTORY_MS = 8 * WEEK_MS;

/**
 * globex's repos: an everyday product repo with bots and unlinked authors, `payments` with
 * events exactly on every window edge, a repo active only before the retention window, and
 * one whose people have been quiet for the last two days.
 */
export function buildGlobexRepos(context: ProfileContext): SimRepo[] {
  return [
    buildStorefront(context),
    buildPayments(context),
    buildLegacyReports(context),
    buildDesignSystem(context),
  ];
}

function people(context: ProfileContext, logins: readonly string[]): GitPerson[] {
  return logins.map((login) => context.roster.personOf(login));
}

function buildStorefront(context: ProfileContext): SimRepo {
  const a = context.anchorMs;
  const builder = context.builder({
    owner: 'globex',
    name: 'storefront',
    createdMs: a - 365 * DAY_MS,
  });
  const team = ['kenji', 'lena', 'marco', 'nadia', 'oscar'];
  addBackgroundActivity(builder, context.rngFor('globex/storefront'), {
    fromMs: a - HISTORY_MS,
    toMs: a,
    commitsPerDay: 10,
    authors: [...people(context, team), context.roster.personOf('dependabot[bot]')],
    unlinkedAuthors: [
      { login: null, name: 'Lena', email: noreplyEmail(context.roster.user('lena')) },
      { login: null, name: 'Ops', email: 'ops@globex-corp.example' },
    ],
    unlinkedShare: 0.04,
    rebasedShare: 0.05,
    pullsPerDay: 1.5,
    pullAuthors: [...team, 'dependabot[bot]'],
    reviewers: team.slice(0, 3),
    issuesPerDay: 0.5,
    commenters: [...team, 'github-actions[bot]'],
  });
  return builder.build();
}

function lines(additions: number, deletions: number): SimCommitFile[] {
  return [{ filename: 'src/ledger.ts', status: 'modified', additions, deletions }];
}

/**
 * Background activity stops two days before the end, so the last day holds only events
 * placed on the edges. With t = the end of history, W = t − 24h, and the last complete week
 * [S, E) (E = the latest Sunday 00:00 UTC ≤ t):
 * - at W exactly (excluded from the window): `lena`'s commit and comment, `nadia`'s PR
 *   opened, `priya`'s PR squash-merged (by `kenji`), a review by `rosa`;
 * - at W + 1 s (included): `marco`'s commit and comment, `oscar`'s PR opened, `quinn`'s PR
 *   merged with a merge commit by `kenji`, a second review by `rosa`;
 * - at t exactly (included): a commit by `kenji`;
 * - retention edge: `xavier` comments exactly at t − 30 d (no series), `yara` one second later;
 * - LOC week: `kenji` authors commits at S (counts), E − 1 s (counts), E (next week) and
 *   S − 1 s (week before, committed two days later); an unlinked commit with `lena`'s noreply
 *   email inside the week adds her a commit but no lines.
 */
function buildPayments(context: ProfileContext): SimRepo {
  const a = context.anchorMs;
  const builder = context.builder({
    owner: 'globex',
    name: 'payments',
    createdMs: a - 200 * DAY_MS,
  });
  addBackgroundActivity(builder, context.rngFor('globex/payments'), {
    fromMs: a - HISTORY_MS,
    toMs: a - 2 * DAY_MS,
    commitsPerDay: 3,
    authors: people(context, ['priya', 'quinn', 'rosa']),
    rebasedShare: 0.1,
    pullsPerDay: 0.3,
    issuesPerDay: 0.2,
  });
  addWindowEdges(builder, context);
  addLocWeekEdges(builder, context);
  return builder.build();
}

function addWindowEdges(builder: RepoBuilder, context: ProfileContext): void {
  const a = context.anchorMs;
  const edge = a - DAY_MS;
  const person = (login: string): GitPerson => context.roster.personOf(login);
  builder.addCommit({
    author: person('lena'),
    authorMs: edge,
    files: lines(5, 1),
    message: 'Edge',
  });
  builder.addCommit({ author: person('marco'), authorMs: edge + SECOND_MS, files: lines(6, 2) });
  builder.addCommit({ author: person('kenji'), authorMs: a, files: lines(3, 3), message: 'Now' });
  builder.addPull({ user: 'nadia', title: 'Opened on the edge', createdMs: edge });
  builder.addPull({ user: 'oscar', title: 'Opened inside', createdMs: edge + SECOND_MS });
  builder.addPull({
    user: 'priya',
    title: 'Merged on the edge',
    createdMs: a - 3 * DAY_MS,
    merge: { atMs: edge, by: 'kenji', style: 'squash', files: lines(9, 4) },
  });
  const inside = builder.addPull({
    user: 'quinn',
    title: 'Merged inside',
    createdMs: a - 2 * DAY_MS,
    merge: { atMs: edge + SECOND_MS, by: 'kenji', style: 'merge' },
  });
  builder.addReview(inside, { user: 'rosa', state: 'APPROVED', atMs: edge });
  builder.addReview(inside, { user: 'rosa', state: 'COMMENTED', atMs: edge + SECOND_MS });
  const issue = builder.addIssue({ user: 'rosa', title: 'Edge cases', createdMs: a - 31 * DAY_MS });
  builder.addComment(issue, { user: 'xavier', createdMs: a - 30 * DAY_MS });
  builder.addComment(issue, { user: 'yara', createdMs: a - 30 * DAY_MS + SECOND_MS });
  builder.addComment(issue, { user: 'lena', createdMs: edge });
  builder.addComment(issue, { user: 'marco', createdMs: edge + SECOND_MS });
}

function addLocWeekEdges(builder: RepoBuilder, context: ProfileContext): void {
  const a = context.anchorMs;
  const weekEndMs = lastSundayStartMs(a);
  const weekStartMs = weekEndMs - WEEK_MS;
  // Any instant in [E, t]: a commit authored at E − 1 s or E can be committed no earlier.
  const afterWeekMs = weekEndMs + Math.floor((a - weekEndMs) / 2 / SECOND_MS) * SECOND_MS;
  const kenji = context.roster.personOf('kenji');
  const commit = (authorMs: number, committerMs: number, files: SimCommitFile[]): void => {
    builder.addCommit({ author: kenji, authorMs, committerMs, files, message: 'Ledger' });
  };
  commit(weekStartMs, weekStartMs + HOUR_MS, lines(11, 3));
  commit(weekEndMs - SECOND_MS, afterWeekMs, lines(7, 2));
  commit(weekEndMs, afterWeekMs, lines(100, 50));
  commit(weekStartMs - SECOND_MS, weekStartMs + 2 * DAY_MS, lines(1000, 500));
  builder.addCommit({
    author: { login: null, name: 'Lena', email: noreplyEmail(context.roster.user('lena')) },
    authorMs: weekStartMs + DAY_MS,
    files: lines(40, 4),
    message: 'From the laptop without a linked email',
  });
}

/** Active only 35–56 days ago (`uma`): scraped, but no series at all. */
function buildLegacyReports(context: ProfileContext): SimRepo {
  const a = context.anchorMs;
  const builder = context.builder({
    owner: 'globex',
    name: 'legacy-reports',
    createdMs: a - 700 * DAY_MS,
  });
  addBackgroundActivity(builder, context.rngFor('globex/legacy-reports'), {
    fromMs: a - HISTORY_MS,
    toMs: a - 35 * DAY_MS,
    commitsPerDay: 2,
    authors: people(context, ['uma']),
    issuesPerDay: 0.3,
    commenters: ['uma'],
  });
  return builder.build();
}

/** Quiet people: active within retention, nothing in the last two days (series read 0). */
function buildDesignSystem(context: ProfileContext): SimRepo {
  const a = context.anchorMs;
  const builder = context.builder({
    owner: 'globex',
    name: 'design-system',
    createdMs: a - 250 * DAY_MS,
  });
  addBackgroundActivity(builder, context.rngFor('globex/design-system'), {
    fromMs: a - 29 * DAY_MS,
    toMs: a - 2 * DAY_MS,
    commitsPerDay: 2,
    authors: people(context, ['priya', 'quinn']),
    pullsPerDay: 0.3,
    reviewers: ['priya', 'quinn', 'rosa'],
    issuesPerDay: 0.2,
  });
  return builder.build();
}
