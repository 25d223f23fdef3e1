/**
 * The fleet's change-detection query as fixed by the contract between the simulator and the
 * client (`REPO_CHANGES_QUERY` in `packages/github/src/graphql/repo-changes-query.ts`): the
 * simulator must validate and execute exactly this text.
 */
export const REPO_CHANGES_QUERY = /* GraphQL */ `
  query RepoChanges($org: String!, $after: String) {
    rateLimit {
      cost
      limit
      remaining
      used
      resetAt
    }
    organization(login: $org) {
      repositories(first: 100, after: $after, orderBy: { field: CREATED_AT, direction: ASC }) {
        totalCount
        pageInfo {
          hasNextPage
          endCursor
        }
        nodes {
          databaseId
          name
          isArchived
          isDisabled
          isFork
          pushedAt
          updatedAt
          defaultBranchRef {
            name
            target {
              oid
            }
          }
          pullRequests(first: 1, orderBy: { field: UPDATED_AT, direction: DESC }) {
            totalCount
            nodes {
              updatedAt
            }
          }
          issues(first: 1, orderBy: { field: UPDATED_AT, direction: DESC }) {
            totalCount
            nodes {
              updatedAt
            }
          }
        }
      }
    }
  }
`;

/** One repository node of the RepoChanges answer. */
export interface RepoChangesNode {
  readonly databaseId: number;
  readonly name: string;
  readonly isArchived: boolean;
  readonly isDisabled: boolean;
  readonly isFork: boolean;
  readonly pushedAt: string | null;
  readonly updatedAt: string;
  readonly defaultBranchRef: {
    readonly name: string;
    readonly target: { readonly oid: string };
  } | null;
  readonly pullRequests: {
    readonly totalCount: number;
    readonly nodes: readonly { readonly updatedAt: string }[];
  };
  readonly issues: {
    readonly totalCount: number;
    readonly nodes: readonly { readonly updatedAt: string }[];
  };
}

export interface RepoChangesData {
  readonly rateLimit: {
    readonly cost: number;
    readonly limit: number;
    readonly remaining: number;
    readonly used: number;
    readonly resetAt: string;
  };
  readonly organization: {
    readonly repositories: {
      readonly totalCount: number;
      readonly pageInfo: { readonly hasNextPage: boolean; readonly endCursor: string | null };
      readonly nodes: readonly RepoChangesNode[];
    };
  } | null;
}
