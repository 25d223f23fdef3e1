import type { SimUser } from '../model.js';
import { WEB_FLOW_LOGIN, linkedPerson } from './git-person.js';
import type { GitPerson } from './git-person.js';
import type { IdSequence } from './id-sequence.js';

/** Everyone a profile can refer to by login, with the git identity GitHub links to them. */
export interface Roster {
  readonly users: SimUser[];
  readonly user: (login: string) => SimUser;
  /** The account's linked git identity: its `email`, else its noreply address. */
  readonly personOf: (login: string) => GitPerson;
}

export interface RosterEntry {
  readonly login: string;
  /** A verified email GitHub links to the account; default: its noreply address. */
  readonly email?: string;
}

/**
 * Creates accounts in the given order (ids from `ids`); a login ending in `[bot]` is a Bot.
 * `web-flow` is always added: it commits every merge made in GitHub's UI.
 */
export function createRoster(ids: IdSequence, entries: readonly RosterEntry[]): Roster {
  const all = [...entries, { login: WEB_FLOW_LOGIN }];
  const users: SimUser[] = [];
  const emails = new Map<string, string | undefined>();
  for (const entry of all) {
    if (emails.has(entry.login)) throw new Error(`duplicate login ${entry.login}`);
    emails.set(entry.login, entry.email);
    users.push({
      login: entry.login,
      id: ids.next(),
      type: entry.login.endsWith('[bot]') ? 'Bot' : 'User',
    });
  }
  const byLogin = new Map(users.map((user) => [user.login, user]));
  const user = (login: string): SimUser => {
    const found = byLogin.get(login);
    if (!found) throw new Error(`no user ${login} in the roster`);
    return found;
  };
  return {
    users,
    user,
    personOf: (login) => {
      const person = linkedPerson(user(login));
      const email = emails.get(login);
      return email === undefined ? person : { ...person, email };
    },
  };
}
