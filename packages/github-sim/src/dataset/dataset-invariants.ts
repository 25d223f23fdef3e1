import type { SimDataset, SimIssue, SimPull, SimRepo } from '../model.js';

const ISO_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const SHA = /^[0-9a-f]{40}$/;

/**
 * Every broken invariant of `model.ts` in `dataset`, one sentence each (empty when sound):
 * unique ids below `nextId` and unique logins; every login referenced is an account;
 * whole-second ISO timestamps; commits newest first by committer date with unique shas and
 * known parents; PRs and issues newest first by creation, sharing unique numbers; comments
 * oldest first on an existing issue or PR; reviews in id order; `updatedAt` ≥ every child event; consistent PR
 * and review states; `pushedAt` = the latest commit (creation for an empty repo).
 */
export function listDatasetViolations(dataset: SimDataset): string[] {
  const problems: string[] = [];
  const ids = new Set<number>();
  const claimId = (id: number, what: string): void => {
    if (ids.has(id)) problems.push(`${what}: id ${id} is not unique`);
    if (id >= dataset.nextId)
      problems.push(`${what}: id ${id} is not below nextId ${dataset.nextId}`);
    ids.add(id);
  };
  const logins = new Set<string>();
  for (const user of dataset.users) {
    claimId(user.id, `user ${user.login}`);
    if (logins.has(user.login)) problems.push(`user ${user.login}: login is not unique`);
    logins.add(user.login);
    if ((user.type === 'Bot') !== user.login.endsWith('[bot]')) {
      problems.push(`user ${user.login}: type ${user.type} does not match the login`);
    }
  }
  const appIds = new Set(dataset.apps.map((app) => app.appId));
  const installations = new Set<number>();
  for (const org of dataset.orgs) {
    claimId(org.id, `org ${org.login}`);
    if (!appIds.has(org.appId)) problems.push(`org ${org.login}: no App ${org.appId}`);
    if (installations.has(org.installationId)) {
      problems.push(`org ${org.login}: installation ${org.installationId} is not unique`);
    }
    installations.add(org.installationId);
    for (const repo of org.repos) {
      const where = `${org.login}/${repo.name}`;
      claimId(repo.id, where);
      const report = (problem: string): void => {
        problems.push(`${where}: ${problem}`);
      };
      const knowsLogin = (login: string | null, what: string): void => {
        if (login !== null && !logins.has(login)) report(`${what} ${login} is not an account`);
      };
      checkRepo(repo, report, knowsLogin, claimId);
    }
  }
  return problems;
}

type Report = (problem: string) => void;

function checkRepo(
  repo: SimRepo,
  report: Report,
  knowsLogin: (login: string | null, what: string) => void,
  claimId: (id: number, what: string) => void,
): void {
  const ms = (iso: string, what: string): number => {
    if (!ISO_SECONDS.test(iso)) report(`${what} "${iso}" is not a whole-second ISO timestamp`);
    return Date.parse(iso);
  };
  const createdMs = ms(repo.createdAt, 'createdAt');
  const shas = new Set(repo.commits.map((c) => c.sha));
  if (shas.size !== repo.commits.length) report('commit shas are not unique');
  let previousMs = Infinity;
  for (const commit of repo.commits) {
    if (!SHA.test(commit.sha)) report(`commit sha ${commit.sha} is malformed`);
    const committedMs = ms(commit.committer.date, `commit ${commit.sha} committer date`);
    ms(commit.author.date, `commit ${commit.sha} author date`);
    if (committedMs > previousMs) report(`commit ${commit.sha} is out of order (newest first)`);
    if (committedMs < createdMs) report(`commit ${commit.sha} predates the repo`);
    previousMs = committedMs;
    for (const parent of commit.parents) {
      if (!shas.has(parent)) report(`commit ${commit.sha} has unknown parent ${parent}`);
    }
    knowsLogin(commit.authorLogin, `commit ${commit.sha} author`);
    knowsLogin(commit.committerLogin, `commit ${commit.sha} committer`);
  }
  const pushedMs = ms(repo.pushedAt, 'pushedAt');
  const newest = repo.commits[0];
  const expectedPushMs = newest ? Date.parse(newest.committer.date) : createdMs;
  if (pushedMs !== expectedPushMs) report(`pushedAt ${repo.pushedAt} is not the latest commit`);
  if (ms(repo.updatedAt, 'updatedAt') < pushedMs) report('updatedAt is before pushedAt');

  const threads = new Map<number, SimPull | SimIssue>();
  for (const thread of [...repo.pulls, ...repo.issues]) {
    if (threads.has(thread.number)) report(`number #${thread.number} is used twice`);
    threads.set(thread.number, thread);
    knowsLogin(thread.user, `#${thread.number} author`);
    if (ms(thread.createdAt, `#${thread.number} createdAt`) < createdMs) {
      report(`#${thread.number} predates the repo`);
    }
  }
  checkNewestFirst(repo.pulls, report, 'pulls');
  checkNewestFirst(repo.issues, report, 'issues');
  const latestChild = new Map<number, number>();
  const touch = (number: number, atMs: number): void => {
    latestChild.set(number, Math.max(latestChild.get(number) ?? atMs, atMs));
  };
  let previousCommentMs = -Infinity;
  for (const comment of repo.comments) {
    claimId(comment.id, `comment ${comment.id}`);
    knowsLogin(comment.user, `comment ${comment.id} author`);
    const commentMs = ms(comment.createdAt, `comment ${comment.id} createdAt`);
    const editedMs = ms(comment.updatedAt, `comment ${comment.id} updatedAt`);
    if (commentMs < previousCommentMs)
      report(`comment ${comment.id} is out of order (oldest first)`);
    previousCommentMs = commentMs;
    if (editedMs < commentMs) report(`comment ${comment.id} was edited before it was written`);
    const thread = threads.get(comment.issueNumber);
    if (!thread) report(`comment ${comment.id} is on missing #${comment.issueNumber}`);
    else if (commentMs < Date.parse(thread.createdAt))
      report(`comment ${comment.id} predates its issue`);
    touch(comment.issueNumber, editedMs);
  }
  for (const pull of repo.pulls) checkPull(pull, report, knowsLogin, claimId, touch);
  for (const thread of threads.values()) {
    const updatedMs = ms(thread.updatedAt, `#${thread.number} updatedAt`);
    const childMs = latestChild.get(thread.number) ?? -Infinity;
    if (updatedMs < Math.max(Date.parse(thread.createdAt), childMs)) {
      report(`#${thread.number} updatedAt ${thread.updatedAt} is before one of its events`);
    }
  }
}

function checkPull(
  pull: SimPull,
  report: Report,
  knowsLogin: (login: string | null, what: string) => void,
  claimId: (id: number, what: string) => void,
  touch: (number: number, atMs: number) => void,
): void {
  const where = `PR #${pull.number}`;
  knowsLogin(pull.mergedBy, `${where} merger`);
  if ((pull.state === 'open') !== (pull.closedAt === null))
    report(`${where}: state and closedAt disagree`);
  if (pull.mergedAt !== null) {
    if (pull.closedAt !== pull.mergedAt) report(`${where}: merged but closedAt ≠ mergedAt`);
    if (pull.mergedBy === null) report(`${where}: merged by nobody`);
    if (pull.draft) report(`${where}: a draft cannot be merged`);
  } else if (pull.mergedBy !== null) {
    report(`${where}: mergedBy set but not merged`);
  }
  if (pull.closedAt !== null) touch(pull.number, Date.parse(pull.closedAt));
  let previousReviewId = -Infinity;
  for (const review of pull.reviews) {
    claimId(review.id, `review ${review.id}`);
    if (review.id < previousReviewId) report(`${where}: reviews are not in id order`);
    previousReviewId = review.id;
    knowsLogin(review.user, `review ${review.id} author`);
    if ((review.state === 'PENDING') !== (review.submittedAt === null)) {
      report(`review ${review.id}: only a PENDING review lacks submittedAt`);
    }
    if (review.submittedAt !== null) {
      if (Date.parse(review.submittedAt) < Date.parse(pull.createdAt)) {
        report(`review ${review.id} predates ${where}`);
      }
      touch(pull.number, Date.parse(review.submittedAt));
    }
  }
}

function checkNewestFirst(
  threads: readonly { number: number; createdAt: string }[],
  report: Report,
  what: string,
): void {
  for (let index = 1; index < threads.length; index += 1) {
    const previous = threads[index - 1];
    const current = threads[index];
    if (previous && current && Date.parse(current.createdAt) > Date.parse(previous.createdAt)) {
      report(`${what} are out of order at #${current.number} (newest first)`);
    }
  }
}
