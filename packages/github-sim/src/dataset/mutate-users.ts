import type { SimDataset, SimUser } from '../model.js';
import { SimConflictError, SimNotFoundError } from './sim-errors.js';

// GitHub's logins: alphanumerics and single inner hyphens, at most 39 characters.
const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;

/**
 * Renames a user as GitHub does: the id stays, and from then on every payload that shows the
 * account shows the new login — also on old commits, PRs, reviews and comments, so every
 * reference in the dataset is rewritten. Git data is not: authored commits keep their author
 * email, so a `<id>+<oldlogin>@users.noreply…` address keeps the old login. The old login
 * is free for anyone to take. Refused (GitHub's 422, here a `SimConflictError`) when the new
 * login is not one GitHub allows or is taken by another user or an org (case-insensitively),
 * and for bots, whose login follows their App's slug. Does not touch `updated_at`.
 */
export function renameUser(dataset: SimDataset, login: string, newLogin: string): SimUser {
  const user = dataset.users.find((candidate) => sameLogin(candidate.login, login));
  if (!user) throw new SimNotFoundError(`no user "${login}" in the simulated dataset`);
  if (user.type === 'Bot') {
    throw new SimConflictError(`${user.login} is a bot: its login follows its App's slug`);
  }
  if (!LOGIN.test(newLogin)) {
    throw new SimConflictError(`${JSON.stringify(newLogin)} is not a valid GitHub login`);
  }
  const taken =
    dataset.users.some((other) => other !== user && sameLogin(other.login, newLogin)) ||
    dataset.orgs.some((org) => sameLogin(org.login, newLogin));
  if (taken) throw new SimConflictError(`the login ${newLogin} is taken`);
  const oldLogin = user.login;
  const rename = (value: string): string => (value === oldLogin ? newLogin : value);
  for (const org of dataset.orgs) {
    for (const repo of org.repos) {
      for (const commit of repo.commits) {
        if (commit.authorLogin !== null) commit.authorLogin = rename(commit.authorLogin);
        if (commit.committerLogin !== null) commit.committerLogin = rename(commit.committerLogin);
      }
      for (const pull of repo.pulls) {
        pull.user = rename(pull.user);
        if (pull.mergedBy !== null) pull.mergedBy = rename(pull.mergedBy);
        for (const review of pull.reviews) review.user = rename(review.user);
      }
      for (const issue of repo.issues) issue.user = rename(issue.user);
      for (const comment of repo.comments) comment.user = rename(comment.user);
      for (const comment of repo.reviewComments) comment.user = rename(comment.user);
    }
  }
  user.login = newLogin;
  return user;
}

function sameLogin(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
