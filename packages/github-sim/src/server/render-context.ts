import { createHash } from 'node:crypto';

import type { SimDataset, SimUser } from '../model.js';

/** What every `to…Json` mapping needs besides the model object. */
export interface RenderContext {
  /** API root the client called, e.g. `http://127.0.0.1:9900`; every `url` field starts here. */
  readonly apiRoot: string;
  /**
   * Root of `html_url`s. The simulator serves no web pages, so it mirrors GitHub Enterprise
   * Server, where the web UI lives at the host root and the API beside it.
   */
  readonly webRoot: string;
  /**
   * The noreply email domain of this host (`users.noreply.<hostname>`), as on GitHub
   * Enterprise Server: the dataset's `users.noreply.github.com` addresses are served under it.
   */
  readonly noreplyDomain: string;
  /** The account behind a login, or a stand-in with a stable id for logins not in the dataset. */
  readonly userOf: (login: string) => SimUser;
}

/**
 * Account lookups by login, rebuilt when they may be stale: when the dataset's user list grew
 * (accounts can be added at run time), when an entry no longer has the login it was indexed
 * under, or on a miss (a renamed account's new login). Logins the dataset does not list get a
 * stable id derived from the login, so the same login always renders the same account.
 */
export function createUserIndex(dataset: SimDataset): (login: string) => SimUser {
  let indexed = -1;
  let byLogin = new Map<string, SimUser>();
  const lookUp = (key: string): SimUser | undefined => {
    const user = byLogin.get(key);
    return user?.login.toLowerCase() === key ? user : undefined;
  };
  return (login) => {
    const key = login.toLowerCase();
    let known = indexed === dataset.users.length ? lookUp(key) : undefined;
    if (!known) {
      byLogin = new Map(dataset.users.map((user) => [user.login.toLowerCase(), user]));
      indexed = dataset.users.length;
      known = lookUp(key);
    }
    if (known) return known;
    return { login, id: stableId(login), type: login.endsWith('[bot]') ? 'Bot' : 'User' };
  };
}

/** A positive integer id from a name, above the dataset's ids so they cannot collide. */
export function stableId(name: string): number {
  return 900_000_000 + (createHash('sha256').update(name).digest().readUInt32BE(0) % 100_000_000);
}

/** GitHub's legacy global node id: base64 of `<len(type)>:<Type><id>`, e.g. `MDQ6VXNlcjE=`. */
export function nodeId(type: string, id: number | string): string {
  return Buffer.from(`${String(type.length).padStart(2, '0')}:${type}${id}`).toString('base64');
}

/** A 40-hex id derived from parts, for the git objects the model does not carry (trees, blobs). */
export function derivedSha(...parts: readonly string[]): string {
  return createHash('sha1').update(parts.join('\0')).digest('hex');
}
