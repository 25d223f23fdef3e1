import type { SimUser } from '../model.js';

/** A git identity before it gets a date: who a commit says wrote or committed it. */
export interface GitPerson {
  /** The GitHub account GitHub links this identity to, or null when it cannot. */
  readonly login: string | null;
  readonly name: string;
  readonly email: string;
}

/** The account GitHub's UI commits as when someone presses merge (committer of UI merges). */
export const WEB_FLOW_LOGIN = 'web-flow';

export const WEB_FLOW_PERSON: GitPerson = {
  login: WEB_FLOW_LOGIN,
  name: 'GitHub',
  email: 'noreply@github.com',
};

/** `<id>+<login>@users.noreply.github.com`: GitHub's private commit email since 2017. */
export function noreplyEmail(user: Pick<SimUser, 'id' | 'login'>): string {
  return `${user.id}+${user.login}@users.noreply.github.com`;
}

/** A linked identity using the account's noreply email. */
export function linkedPerson(user: Pick<SimUser, 'id' | 'login'>): GitPerson {
  return { login: user.login, name: user.login, email: noreplyEmail(user) };
}
