import { z } from 'zod';

/**
 * What `plan` asks about an org before it is scraped, in one query of 1 point: how many repos
 * the fleet would scrape and how many of them, and of their PRs, moved in the last 24 h and in
 * `store.retention`, and how many issues moved in the last 24 h. Counts from GitHub's search (documented qualifiers: `org:`, `fork:true`
 * to include forks, as the scrape does, `archived:false`, `is:pr`, `is:issue`, `pushed:>=` and `updated:>=`
 * with an ISO 8601 time); a search asked only for its count needs no `first` and costs no
 * node. The simulator's `/graphql` serves exactly these qualifiers.
 */
export const ORG_ACTIVITY_QUERY = `query OrgActivity(
  $org: String!
  $repos: String!
  $reposPushedDay: String!
  $reposPushedRetention: String!
  $pullsUpdatedDay: String!
  $pullsUpdatedRetention: String!
  $issuesUpdatedDay: String!
) {
  rateLimit { cost limit remaining used resetAt }
  organization(login: $org) { repositories { totalCount } }
  repos: search(type: REPOSITORY, query: $repos) { repositoryCount }
  reposPushedDay: search(type: REPOSITORY, query: $reposPushedDay) { repositoryCount }
  reposPushedRetention: search(type: REPOSITORY, query: $reposPushedRetention) { repositoryCount }
  pullsUpdatedDay: search(type: ISSUE, query: $pullsUpdatedDay) { issueCount }
  pullsUpdatedRetention: search(type: ISSUE, query: $pullsUpdatedRetention) { issueCount }
  issuesUpdatedDay: search(type: ISSUE, query: $issuesUpdatedDay) { issueCount }
}`;

/** The variables of {@link ORG_ACTIVITY_QUERY}: search strings, see {@link toOrgActivityVariables}. */
export type OrgActivityVariables = {
  readonly org: string;
  readonly repos: string;
  readonly reposPushedDay: string;
  readonly reposPushedRetention: string;
  readonly pullsUpdatedDay: string;
  readonly pullsUpdatedRetention: string;
  readonly issuesUpdatedDay: string;
};

const toIsoSeconds = (epochMs: number): string =>
  new Date(Math.floor(epochMs / 1000) * 1000).toISOString().replace('.000Z', 'Z');

/**
 * The searches for `org` as of `nowMs`: the repos a cycle scrapes (forks included, archived
 * not), those pushed to since a day and since `retentionMs` ago, the PRs of unarchived
 * repos updated since then (a review or a comment bumps `updated`), and their issues updated
 * since a day.
 */
export function toOrgActivityVariables(
  org: string,
  at: { readonly nowMs: number; readonly dayMs: number; readonly retentionMs: number },
): OrgActivityVariables {
  const repos = `org:${org} fork:true archived:false`;
  const pulls = `org:${org} is:pr archived:false`;
  const day = toIsoSeconds(at.nowMs - at.dayMs);
  const retention = toIsoSeconds(at.nowMs - at.retentionMs);
  return {
    org,
    repos,
    reposPushedDay: `${repos} pushed:>=${day}`,
    reposPushedRetention: `${repos} pushed:>=${retention}`,
    pullsUpdatedDay: `${pulls} updated:>=${day}`,
    pullsUpdatedRetention: `${pulls} updated:>=${retention}`,
    issuesUpdatedDay: `org:${org} is:issue archived:false updated:>=${day}`,
  };
}

const count = z.number().int().min(0);

export const orgActivityDataSchema = z.object({
  rateLimit: z.object({
    cost: count,
    limit: count,
    remaining: z.number().int(),
    used: count,
    resetAt: z.string().refine((value) => Number.isFinite(Date.parse(value)), {
      error: 'expected an ISO-8601 timestamp',
    }),
  }),
  // null when the org does not exist or the installation cannot see it.
  organization: z.object({ repositories: z.object({ totalCount: count }) }).nullable(),
  repos: z.object({ repositoryCount: count }),
  reposPushedDay: z.object({ repositoryCount: count }),
  reposPushedRetention: z.object({ repositoryCount: count }),
  pullsUpdatedDay: z.object({ issueCount: count }),
  pullsUpdatedRetention: z.object({ issueCount: count }),
  issuesUpdatedDay: z.object({ issueCount: count }),
});
export type OrgActivityData = z.infer<typeof orgActivityDataSchema>;
