import { z } from 'zod';

/**
 * The org cycle's discovery and change detection in one query: a page of up to 100 of the
 * org's repos (those the installation sees, forks included), each with what moves when
 * anything the metrics count changes (docs/github-limitations.md#what-the-repochanges-query-cannot-see). Cost
 * by GitHub's formula: 1 + 100 + 100 requested nodes → 2 points. The simulator's `/graphql`
 * executes exactly this text (its `test/repo-changes-query.ts`): change both together.
 */
export const REPO_CHANGES_QUERY = `query RepoChanges($org: String!, $after: String) {
  rateLimit { cost limit remaining used resetAt }
  organization(login: $org) {
    repositories(first: 100, after: $after, orderBy: { field: CREATED_AT, direction: ASC }) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes {
        databaseId
        name
        isArchived
        isDisabled
        isFork
        pushedAt
        updatedAt
        defaultBranchRef { name target { oid } }
        pullRequests(first: 1, orderBy: { field: UPDATED_AT, direction: DESC }) {
          totalCount
          nodes { updatedAt }
        }
        issues(first: 1, orderBy: { field: UPDATED_AT, direction: DESC }) {
          totalCount
          nodes { updatedAt }
        }
      }
    }
  }
}`;

/** The variables of {@link REPO_CHANGES_QUERY}: `after` is the last page's `endCursor`. */
export type RepoChangesVariables = {
  readonly org: string;
  readonly after: string | null;
};

const isoTimestamp = z.string().refine((value) => Number.isFinite(Date.parse(value)), {
  error: 'expected an ISO-8601 timestamp',
});

// `first: 1` ordered by `updatedAt` descending: the newest item, absent when there is none.
const newestUpdated = z.object({
  totalCount: z.number().int().min(0),
  nodes: z.array(z.object({ updatedAt: isoTimestamp }).nullable()).max(1),
});

const repoNodeSchema = z.object({
  databaseId: z.number().int().positive(),
  name: z.string().min(1),
  isArchived: z.boolean(),
  isDisabled: z.boolean(),
  isFork: z.boolean(),
  pushedAt: isoTimestamp.nullable(),
  updatedAt: isoTimestamp,
  // null for an empty repo (no branch yet).
  defaultBranchRef: z
    .object({ name: z.string().min(1), target: z.object({ oid: z.string().min(7) }).nullable() })
    .nullable(),
  pullRequests: newestUpdated,
  issues: newestUpdated,
});
export type RepoChangesNode = z.infer<typeof repoNodeSchema>;

export const repoChangesDataSchema = z.object({
  rateLimit: z
    .object({
      cost: z.number().int().min(0),
      limit: z.number().int().min(0),
      remaining: z.number().int(),
      used: z.number().int().min(0),
      resetAt: isoTimestamp,
    })
    .nullable(),
  // null when the org does not exist or the installation cannot see it.
  organization: z
    .object({
      repositories: z.object({
        totalCount: z.number().int().min(0),
        pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() }),
        // A node GitHub could not resolve comes back null (with an error beside the data).
        nodes: z.array(repoNodeSchema.nullable()),
      }),
    })
    .nullable(),
});
export type RepoChangesData = z.infer<typeof repoChangesDataSchema>;
