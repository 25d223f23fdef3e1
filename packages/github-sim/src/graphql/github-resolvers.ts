import type { SimCommit, SimDataset, SimIssue, SimOrg, SimPull, SimRepo } from '../model.js';
import { nodeId } from '../server/render-context.js';
import { pageOf, type ConnectionPage, type SortPosition } from './connection-page.js';
import { GitHubFieldError } from './github-field-error.js';
import { countSearch, type SearchCounts } from './search-counts.js';

/** The rate-limit state a query reports in `rateLimit { … }`: after its own charge. */
export interface RateLimitView {
  /** Points this query cost (charged, or only computed under `dryRun`). */
  readonly cost: number;
  readonly nodeCount: number;
  readonly limit: number;
  readonly used: number;
  readonly remaining: number;
  /** ISO timestamp of the window's end. */
  readonly resetAt: string;
}

/** What the resolvers read: the world, as the caller's installation may see it. */
export interface GraphqlContext {
  readonly dataset: SimDataset;
  /** The org of the caller's installation: the only one whose repos it sees. */
  readonly visibleOrg: string;
  /** The id of the repo `owner/name` named before a rename or transfer, if any. */
  readonly renamedRepoId: (owner: string, name: string) => number | undefined;
  readonly rateLimit: RateLimitView;
  /** `rateLimit(dryRun: true)` was asked: the query is priced, not evaluated. */
  readonly dryRun: boolean;
}

type Args = Readonly<Record<string, unknown>>;

/** A field the simulator serves: the arguments it honours, and how it resolves. */
export interface ImplementedField {
  /** Arguments a query may give; any other is refused by name rather than ignored. */
  readonly args: readonly string[];
  readonly resolve: (source: never, args: Args, context: GraphqlContext) => unknown;
}

/** `resolve` names its source's type; graphql-js hands each resolver its parent's value. */
function field(
  resolve: ImplementedField['resolve'],
  args: readonly string[] = [],
): ImplementedField {
  return { args, resolve };
}

interface RepoSource {
  readonly org: SimOrg;
  readonly repo: SimRepo;
}

interface RefSource {
  readonly name: string;
  readonly head: SimCommit;
}

const PAGING_ARGS = ['first', 'after', 'orderBy'] as const;

interface Order {
  readonly field: string;
  readonly direction: 'ASC' | 'DESC';
}

function orderOf(args: Args, fallback: Order): Order {
  const order = args['orderBy'] as Order | undefined;
  return order ?? fallback;
}

function unimplementedOrder(connection: string, order: Order): never {
  throw new GitHubFieldError(
    'SIMULATOR_UNIMPLEMENTED',
    `The GitHub simulator does not implement ordering ${connection} by ${order.field}.`,
  );
}

function repoPosition(order: Order): (source: RepoSource) => SortPosition {
  switch (order.field) {
    case 'CREATED_AT':
      return ({ repo }) => [repo.createdAt, repo.id];
    case 'UPDATED_AT':
      return ({ repo }) => [repo.updatedAt, repo.id];
    case 'PUSHED_AT':
      return ({ repo }) => [repo.pushedAt, repo.id];
    case 'NAME':
      return ({ repo }) => [repo.name.toLowerCase(), repo.id];
    default:
      return unimplementedOrder('repositories', order);
  }
}

function threadPosition(
  connection: string,
  order: Order,
): (thread: SimPull | SimIssue) => SortPosition {
  switch (order.field) {
    case 'CREATED_AT':
      return (thread) => [thread.createdAt, thread.number];
    case 'UPDATED_AT':
      return (thread) => [thread.updatedAt, thread.number];
    default:
      return unimplementedOrder(connection, order);
  }
}

/** GitHub's `PullRequestState`: a merged PR is `MERGED`, not `CLOSED`. */
function pullState(pull: SimPull): 'OPEN' | 'CLOSED' | 'MERGED' {
  if (pull.mergedAt !== null) return 'MERGED';
  return pull.state === 'open' ? 'OPEN' : 'CLOSED';
}

function issueState(issue: SimIssue): 'OPEN' | 'CLOSED' {
  return issue.state === 'open' ? 'OPEN' : 'CLOSED';
}

function withStates<T>(
  items: readonly T[],
  args: Args,
  stateOf: (item: T) => string,
): readonly T[] {
  const states = args['states'] as readonly string[] | null | undefined;
  if (!states || states.length === 0) return items;
  return items.filter((item) => states.includes(stateOf(item)));
}

function page<T>(
  items: readonly T[],
  args: Args,
  positionOf: (item: T) => SortPosition,
  order: Order,
): ConnectionPage<T> {
  return pageOf(items, positionOf, {
    // computeQueryCost refuses objects asked without `first`; only `totalCount` reads this.
    first: typeof args['first'] === 'number' ? args['first'] : 0,
    after: args['after'] as string | null | undefined,
    direction: order.direction,
  });
}

/** The default branch's head, or undefined for an empty repo (GitHub's `defaultBranchRef: null`). */
function defaultBranchHead(repo: SimRepo): SimCommit | undefined {
  return repo.commits.find((commit) => commit.branch === repo.defaultBranch);
}

function findVisibleOrg(context: GraphqlContext, login: string): SimOrg | undefined {
  const wanted = login.toLowerCase();
  if (wanted !== context.visibleOrg.toLowerCase()) return undefined;
  return context.dataset.orgs.find((org) => org.login.toLowerCase() === wanted);
}

function findVisibleRepo(
  context: GraphqlContext,
  owner: string,
  name: string,
  followRenames: boolean,
): RepoSource | undefined {
  const org = findVisibleOrg(context, owner);
  if (!org) return undefined;
  const wanted = name.toLowerCase();
  const repo = org.repos.find((candidate) => candidate.name.toLowerCase() === wanted);
  if (repo) return { org, repo };
  const renamedId = followRenames ? context.renamedRepoId(owner, name) : undefined;
  const renamed = org.repos.find((candidate) => candidate.id === renamedId);
  return renamed ? { org, repo: renamed } : undefined;
}

const connectionFields = {
  totalCount: field((page: ConnectionPage<unknown>) => page.totalCount),
  nodes: field((page: ConnectionPage<unknown>) => page.nodes),
  edges: field((page: ConnectionPage<unknown>) => page.edges),
  pageInfo: field((page: ConnectionPage<unknown>) => page.pageInfo),
};
const edgeFields = {
  cursor: field((edge: { cursor: string }) => edge.cursor),
  node: field((edge: { node: unknown }) => edge.node),
};

/**
 * The part of GitHub's schema the simulator serves, by type and field: what the fleet's
 * queries read (RepoChanges, `repository(owner, name)` with the same fields, and plan's
 * OrgActivity search counts). The
 * request check (`findUnimplemented`) refuses any other field or argument by name, so a
 * query never gets a silent null for something the simulator does not know.
 */
export const IMPLEMENTED_FIELDS: Readonly<
  Record<string, Readonly<Record<string, ImplementedField>>>
> = {
  Query: {
    rateLimit: field((_root: unknown, _args, context) => context.rateLimit, ['dryRun']),
    organization: field(
      (_root: unknown, args, context) => {
        if (context.dryRun) return null;
        const login = String(args['login']);
        const org = findVisibleOrg(context, login);
        if (!org) {
          throw new GitHubFieldError(
            'NOT_FOUND',
            `Could not resolve to an Organization with the login of '${login}'.`,
          );
        }
        return org;
      },
      ['login'],
    ),
    repository: field(
      (_root: unknown, args, context): RepoSource | null => {
        if (context.dryRun) return null;
        const owner = String(args['owner']);
        const name = String(args['name']);
        const found = findVisibleRepo(context, owner, name, args['followRenames'] !== false);
        if (!found) {
          throw new GitHubFieldError(
            'NOT_FOUND',
            `Could not resolve to a Repository with the name '${owner}/${name}'.`,
          );
        }
        return found;
      },
      ['owner', 'name', 'followRenames'],
    ),
    search: field(
      (_root: unknown, args, context): SearchCounts | null => {
        if (context.dryRun) return null;
        const org = context.dataset.orgs.find(
          (candidate) => candidate.login.toLowerCase() === context.visibleOrg.toLowerCase(),
        );
        return countSearch(String(args['type']), String(args['query']), org);
      },
      ['type', 'query'],
    ),
  },
  SearchResultItemConnection: {
    repositoryCount: field((counts: SearchCounts) => counts.repositoryCount),
    issueCount: field((counts: SearchCounts) => counts.issueCount),
  },
  RateLimit: {
    cost: field((view: RateLimitView) => view.cost),
    nodeCount: field((view: RateLimitView) => view.nodeCount),
    limit: field((view: RateLimitView) => view.limit),
    used: field((view: RateLimitView) => view.used),
    remaining: field((view: RateLimitView) => view.remaining),
    resetAt: field((view: RateLimitView) => view.resetAt),
  },
  Organization: {
    id: field((org: SimOrg) => nodeId('Organization', org.id)),
    databaseId: field((org: SimOrg) => org.id),
    login: field((org: SimOrg) => org.login),
    repositories: field((org: SimOrg, args) => {
      const order = orderOf(args, { field: 'CREATED_AT', direction: 'ASC' });
      const repos = org.repos.map((repo) => ({ org, repo }));
      return page(repos, args, repoPosition(order), order);
    }, PAGING_ARGS),
  },
  RepositoryConnection: connectionFields,
  RepositoryEdge: edgeFields,
  PullRequestConnection: connectionFields,
  PullRequestEdge: edgeFields,
  IssueConnection: connectionFields,
  IssueEdge: edgeFields,
  PageInfo: {
    hasNextPage: field((info: ConnectionPage<unknown>['pageInfo']) => info.hasNextPage),
    hasPreviousPage: field((info: ConnectionPage<unknown>['pageInfo']) => info.hasPreviousPage),
    startCursor: field((info: ConnectionPage<unknown>['pageInfo']) => info.startCursor),
    endCursor: field((info: ConnectionPage<unknown>['pageInfo']) => info.endCursor),
  },
  Repository: {
    id: field(({ repo }: RepoSource) => nodeId('Repository', repo.id)),
    databaseId: field(({ repo }: RepoSource) => repo.id),
    name: field(({ repo }: RepoSource) => repo.name),
    nameWithOwner: field(({ org, repo }: RepoSource) => `${org.login}/${repo.name}`),
    isArchived: field(({ repo }: RepoSource) => repo.archived),
    isDisabled: field(({ repo }: RepoSource) => repo.disabled),
    isFork: field(({ repo }: RepoSource) => repo.fork),
    isPrivate: field(({ repo }: RepoSource) => repo.private),
    createdAt: field(({ repo }: RepoSource) => repo.createdAt),
    updatedAt: field(({ repo }: RepoSource) => repo.updatedAt),
    pushedAt: field(({ repo }: RepoSource) => repo.pushedAt),
    archivedAt: field(({ repo }: RepoSource) => repo.archivedAt ?? null),
    defaultBranchRef: field(({ repo }: RepoSource): RefSource | null => {
      const head = defaultBranchHead(repo);
      return head ? { name: repo.defaultBranch, head } : null;
    }),
    pullRequests: field(
      ({ repo }: RepoSource, args) => {
        const order = orderOf(args, { field: 'CREATED_AT', direction: 'ASC' });
        const pulls = withStates(repo.pulls, args, pullState);
        return page(pulls, args, threadPosition('pullRequests', order), order);
      },
      [...PAGING_ARGS, 'states'],
    ),
    issues: field(
      ({ repo }: RepoSource, args) => {
        const order = orderOf(args, { field: 'CREATED_AT', direction: 'ASC' });
        const issues = withStates(repo.issues, args, issueState);
        return page(issues, args, threadPosition('issues', order), order);
      },
      [...PAGING_ARGS, 'states'],
    ),
  },
  Ref: {
    name: field((ref: RefSource) => ref.name),
    target: field((ref: RefSource) => ref.head),
  },
  Commit: {
    oid: field((commit: SimCommit) => commit.sha),
    committedDate: field((commit: SimCommit) => commit.committer.date),
    authoredDate: field((commit: SimCommit) => commit.author.date),
  },
  PullRequest: {
    number: field((pull: SimPull) => pull.number),
    title: field((pull: SimPull) => pull.title),
    state: field(pullState),
    isDraft: field((pull: SimPull) => pull.draft),
    createdAt: field((pull: SimPull) => pull.createdAt),
    updatedAt: field((pull: SimPull) => pull.updatedAt),
    closedAt: field((pull: SimPull) => pull.closedAt),
    mergedAt: field((pull: SimPull) => pull.mergedAt),
  },
  Issue: {
    number: field((issue: SimIssue) => issue.number),
    title: field((issue: SimIssue) => issue.title),
    state: field(issueState),
    createdAt: field((issue: SimIssue) => issue.createdAt),
    updatedAt: field((issue: SimIssue) => issue.updatedAt),
  },
};

/**
 * The concrete type the simulator answers for each abstract type it serves: a ref's target
 * is always a commit (no tag objects are simulated).
 */
export const CONCRETE_TYPES: Readonly<Record<string, string>> = {
  GitObject: 'Commit',
};
