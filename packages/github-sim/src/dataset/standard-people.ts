import type { RosterEntry } from './roster.js';

export const ACME_PEOPLE = [
  'alice',
  'bob',
  'carol',
  'dave',
  'erin',
  'frank',
  'grace',
  'heidi',
  'ivan',
  'judy',
  'mallory',
  'niaj',
  'olivia',
  'peggy',
  'rupert',
  'sybil',
  'trent',
  'victor',
  'walter',
  'yvonne',
] as const;

export const GLOBEX_PEOPLE = [
  'kenji',
  'lena',
  'marco',
  'nadia',
  'oscar',
  'priya',
  'quinn',
  'rosa',
] as const;

/** Outside contributors of the repo with more than GitHub's top-100 contributors. */
export const COMMUNITY_CONTRIBUTORS = Array.from(
  { length: 120 },
  (_, index) => `contributor-${String(index + 1).padStart(3, '0')}`,
);

export const STANDARD_BOTS = ['dependabot[bot]', 'renovate[bot]', 'github-actions[bot]'] as const;

/**
 * Accounts with one purpose each: `uma` is active only longer ago than the 30-day
 * retention, `xavier` only exactly at its edge (excluded), `yara` one second inside it,
 * and `zoe` never.
 */
export const EDGE_PEOPLE = ['uma', 'xavier', 'yara', 'zoe'] as const;

/** Every account of the `standard` profile, in id order. */
export function standardRosterEntries(): RosterEntry[] {
  return [
    ...ACME_PEOPLE.map((login) => ({ login, email: `${login}@acme.example` })),
    ...GLOBEX_PEOPLE.map((login) => ({ login, email: `${login}@globex.example` })),
    ...EDGE_PEOPLE.map((login) => ({ login })),
    ...COMMUNITY_CONTRIBUTORS.map((login) => ({ login })),
    ...STANDARD_BOTS.map((login) => ({ login })),
  ];
}
