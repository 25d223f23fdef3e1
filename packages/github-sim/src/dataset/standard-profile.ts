import type { SimOrg } from '../model.js';
import type { IdSequence } from './id-sequence.js';
import { createProfileContext } from './profile-context.js';
import type { ProfileContext, ProfileWorld } from './profile-context.js';
import { createRoster } from './roster.js';
import { buildAcmeRepos } from './standard-acme-repos.js';
import { buildGlobexRepos } from './standard-globex-repos.js';
import { standardRosterEntries } from './standard-people.js';

/**
 * The orgs and Apps of the `standard` profile: a contract with the demo config, so their
 * ids never change.
 */
export const STANDARD_ORGS = {
  acme: { login: 'acme', appId: 101, installationId: 1001, appSlug: 'gse-acme' },
  globex: { login: 'globex', appId: 102, installationId: 1002, appSlug: 'gse-globex' },
} as const;

/** Builds the `standard` world: see `generateDataset` for what it covers. */
export function buildStandardWorld(seed: number, anchorMs: number, ids: IdSequence): ProfileWorld {
  const roster = createRoster(ids, standardRosterEntries());
  const context = createProfileContext(seed, anchorMs, ids, roster);
  return {
    users: roster.users,
    orgs: [
      {
        org: buildOrg(context, STANDARD_ORGS.acme, buildAcmeRepos),
        appSlug: STANDARD_ORGS.acme.appSlug,
      },
      {
        org: buildOrg(context, STANDARD_ORGS.globex, buildGlobexRepos),
        appSlug: STANDARD_ORGS.globex.appSlug,
      },
    ],
  };
}

function buildOrg(
  context: ProfileContext,
  ref: { readonly login: string; readonly appId: number; readonly installationId: number },
  buildRepos: (context: ProfileContext) => SimOrg['repos'],
): SimOrg {
  const id = context.ids.next();
  return {
    login: ref.login,
    id,
    appId: ref.appId,
    installationId: ref.installationId,
    repos: buildRepos(context),
  };
}
