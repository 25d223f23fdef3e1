import { lastCompleteWeek } from '@gse/activity';
import {
  decodeRepoChanges,
  GitHubRequestError,
  GitHubResponseError,
  REPO_CHANGES_QUERY,
  type GitHubClient,
  type RepoChangesNode,
  type RepoChangesVariables,
} from '@gse/github';
import type { ListedRepo, RepoChangeState, RepoCheckpointStore, RepoRef } from '@gse/store';

import { isLocDue } from './collect-loc.js';
import { cycleShare } from './cycle-share.js';
import { splitRepos, type RepoDiscovery } from './discover-repos.js';
import type { RepoScrapeOutcome } from './scrape-repo.js';

const OPERATION = '/graphql RepoChanges';

/** Why a repo gets a scrape this cycle. */
export type ChangeReason =
  /**
   * No fingerprint stored: never scraped completely (new, renamed), or its last scrape
   * did not vouch for one (`toFingerprintAfterScrape`).
   */
  | 'new'
  /** A watched field moved since the last complete scrape. */
  | 'changed'
  /**
   * Its LOC is due by the scrape's own rule (`isLocDue`: the week turned, `loc.refresh_interval`
   * passed, a truncated refresh's fallback budget renewed) and its ledger has a commit since
   * the last complete week began: the only repos whose LOC gauges a refresh can move.
   */
  | 'loc_due'
  /** Quiet for `quietRepoRereadIntervalMs`: read once to find what the fields do not show. */
  | 'reread';

/**
 * How recent a watched `updatedAt` may be and the fingerprint still be stored after the
 * scrape. GitHub's timestamps have whole seconds: an update later in the second the answer
 * showed leaves every watched field as it was (docs/github-limitations.md#what-the-repochanges-query-cannot-see),
 * so a repo updated that recently is read again next cycle. A minute, not a second, for the
 * skew between GitHub's clock and ours; it costs one more read of a repo active anyway.
 */
export const FINGERPRINT_SETTLE_MS = 60_000;

/** The head field of a repo without a default branch (empty). */
const NO_HEAD = '-';

export interface ChangedRepo {
  readonly name: string;
  /**
   * What detection saw, stored after the repo's scrape if that scrape vouches for it
   * (`storeFingerprintAfterScrape`); absent while the repo's latest update is within
   * {@link FINGERPRINT_SETTLE_MS}.
   */
  readonly fingerprint?: string;
  readonly reason: ChangeReason;
}

/** Discovery, and which of the repos to scrape split into those to read and those not. */
export interface RepoChanges extends RepoDiscovery {
  /** Of `scrape`: the repos that get a repo job this cycle, in `scrape`'s order. */
  readonly changed: readonly ChangedRepo[];
  /** Of `scrape`: unchanged and not due; their series are recomputed without a request. */
  readonly quiet: readonly string[];
  /** GraphQL queries sent: one per page of 100 repos. */
  readonly queries: number;
}

export interface DetectRepoChangesRequest {
  readonly client: GitHubClient;
  readonly checkpoints: Pick<
    RepoCheckpointStore,
    'readChangeStates' | 'readReposWithCommitsSince' | 'writeFingerprint'
  >;
  readonly org: string;
  /** `repo_allowlist` of the org (`['*']` = all). */
  readonly allowlist: readonly string[];
  /** Epoch ms, the clock `writeFingerprint` dates with. */
  readonly nowMs: number;
  /** The org's `scrape_interval`: how many rereads a cycle takes to spread them. */
  readonly cycleIntervalMs: number;
  /** `github.quiet_repo_reread_interval`. */
  readonly quietRepoRereadIntervalMs: number;
  /** `loc.refresh_interval`. */
  readonly locRefreshIntervalMs: number;
  /** `store.retention`: a repo never read with no activity within it has nothing to read. */
  readonly retentionMs: number;
}

/**
 * An org cycle's discovery and change detection: one `REPO_CHANGES_QUERY` per page of 100
 * repos lists the repos the installation sees (the same split as `discoverRepos`) with a
 * fingerprint of what moves when anything the metrics count changes, and each page's repos
 * are compared, in one Redis round trip, with the fingerprint their last scrape stored
 * (`storeFingerprintAfterScrape`). A repo gets a scrape when it has none or it differs,
 * when its LOC is due and a refresh can move its LOC gauges (`loc_due`), or, the oldest first and at most twice their fair share a cycle, when it has been quiet
 * for `quietRepoRereadIntervalMs` (packages/scrape/README.md#change-detection). A repo never
 * read whose last push, newest PR and newest issue all predate retention is dormant: nothing
 * in it counts, so its fingerprint is stored here without a read, and it stays quiet (no
 * reread either) until one of them moves.
 */
export async function detectRepoChanges(request: DetectRepoChangesRequest): Promise<RepoChanges> {
  const { client, org } = request;
  const allowAll = request.allowlist.includes('*');
  const allowed = new Set(request.allowlist);
  const listed: ListedRepo[] = [];
  const due = new Map<string, ChangedRepo>();
  const rereadCandidates: { readonly repo: ChangedRepo; readonly atMs: number }[] = [];
  let after: string | null = null;
  let queries = 0;
  for (;;) {
    const variables: RepoChangesVariables = { org, after };
    const data = await client.graphql(REPO_CHANGES_QUERY, variables, decodeRepoChanges);
    queries += 1;
    const repositories = data.organization?.repositories;
    if (!repositories) throw unusable(`organization ${org} is not visible to the installation`);
    const active: {
      readonly name: string;
      readonly fingerprint: string;
      readonly settled: boolean;
      readonly dormant: boolean;
    }[] = [];
    repositories.nodes.forEach((node, index) => {
      if (node === null) throw retryLater(`repository ${index} of the page after ${after} is null`);
      listed.push(toListedRepo(node));
      if ((allowAll || allowed.has(node.name)) && !node.isArchived && !node.isDisabled) {
        active.push({
          name: node.name,
          fingerprint: toRepoFingerprint(node),
          settled: toLatestUpdateMs(node) < request.nowMs - FINGERPRINT_SETTLE_MS,
          dormant: toLastActivityMs(node) < request.nowMs - request.retentionMs,
        });
      }
    });
    const states = await request.checkpoints.readChangeStates(
      org,
      active.map((repo) => repo.name),
    );
    const unchanged: { readonly repo: (typeof active)[number]; readonly state: RepoChangeState }[] =
      [];
    const adopted: Promise<void>[] = [];
    for (const repo of active) {
      const state = states.get(repo.name) ?? {};
      if (repo.dormant && state.everRead !== true) {
        if (state.fingerprint !== repo.fingerprint) {
          adopted.push(
            request.checkpoints.writeFingerprint(
              { org, repo: repo.name },
              repo.fingerprint,
              request.nowMs,
            ),
          );
        }
        continue;
      }
      const reason = toChangeReason(state, repo.fingerprint);
      if (reason === undefined) unchanged.push({ repo, state });
      else due.set(repo.name, toChangedRepo(repo, reason));
    }
    await Promise.all(adopted);
    const locDue = unchanged.filter(({ state }) =>
      isLocOwed(state, request.nowMs, request.locRefreshIntervalMs),
    );
    const withCommits =
      locDue.length === 0
        ? new Set<string>()
        : await request.checkpoints.readReposWithCommitsSince(
            org,
            locDue.map(({ repo }) => repo.name),
            lastCompleteWeek(request.nowMs).startMs,
          );
    for (const { repo, state } of unchanged) {
      if (withCommits.has(repo.name)) {
        due.set(repo.name, toChangedRepo(repo, 'loc_due'));
      } else if (
        state.fingerprintAtMs !== undefined &&
        request.nowMs - state.fingerprintAtMs >= request.quietRepoRereadIntervalMs
      ) {
        rereadCandidates.push({
          repo: toChangedRepo(repo, 'reread'),
          atMs: state.fingerprintAtMs,
        });
      }
    }
    const { hasNextPage, endCursor } = repositories.pageInfo;
    if (!hasNextPage) break;
    if (endCursor === null) throw unusable('hasNextPage without an endCursor');
    after = endCursor;
  }
  const discovery = splitRepos(listed, request.allowlist);
  const rereads = cycleShare(
    discovery.scrape.length,
    request.cycleIntervalMs,
    request.quietRepoRereadIntervalMs,
  );
  for (const { repo } of rereadCandidates.sort((a, b) => a.atMs - b.atMs).slice(0, rereads)) {
    due.set(repo.name, repo);
  }
  const changed: ChangedRepo[] = [];
  const quiet: string[] = [];
  for (const name of discovery.scrape) {
    const repo = due.get(name);
    if (repo) changed.push(repo);
    else quiet.push(name);
  }
  return { ...discovery, changed, quiet, queries };
}

/**
 * The fingerprint a repo job's scrape lets the repo keep, so the next cycles skip it until
 * it changes again; `undefined`: none, the next cycle reads the repo (`new`). Only the
 * job's own fingerprint, and only when
 * - the scrape completed: nothing missing but what GitHub refuses for good
 *   (`github_rejected`, reported once through backfill; reading again each cycle would fail
 *   alike). An older fingerprint kept after a partial scrape would let a force-push back to
 *   its head hide the commits that scrape read;
 * - its commits were read up to the head detection saw: after a push in between, a
 *   force-push back to the seen head would hide the commits read past it.
 * A job without one (updated within {@link FINGERPRINT_SETTLE_MS}) leaves none either.
 */
export function toFingerprintAfterScrape(
  fingerprint: string | undefined,
  outcome: Pick<RepoScrapeOutcome, 'missing' | 'commitsHeadSha'>,
): string | undefined {
  if (fingerprint === undefined) return undefined;
  if (!outcome.missing.every((entry) => entry.reason === 'github_rejected')) return undefined;
  return headOidOf(fingerprint) === (outcome.commitsHeadSha ?? NO_HEAD) ? fingerprint : undefined;
}

/** Stores {@link toFingerprintAfterScrape}'s answer, or deletes the repo's fingerprint. */
export async function storeFingerprintAfterScrape(
  checkpoints: Pick<RepoCheckpointStore, 'writeFingerprint' | 'deleteFingerprint'>,
  job: RepoRef & { readonly fingerprint?: string | undefined },
  outcome: Pick<RepoScrapeOutcome, 'missing' | 'commitsHeadSha'>,
  atMs: number,
): Promise<void> {
  const ref = { org: job.org, repo: job.repo };
  const fingerprint = toFingerprintAfterScrape(job.fingerprint, outcome);
  if (fingerprint === undefined) await checkpoints.deleteFingerprint(ref);
  else await checkpoints.writeFingerprint(ref, fingerprint, atMs);
}

/**
 * What must stay equal while nothing the metrics count changes: the default branch's head
 * (every push and force-push moves it), the newest PR's and issue's `updatedAt` (opening,
 * edits, reviews, comments, commits to a PR, close/reopen bump it) with their counts
 * (a deletion or a transfer lowers one), state, and name (a rename).
 */
export function toRepoFingerprint(node: RepoChangesNode): string {
  const newest = (list: RepoChangesNode['pullRequests']): string =>
    `${list.totalCount}@${list.nodes[0]?.updatedAt ?? '-'}`;
  return [
    node.name,
    node.defaultBranchRef?.target?.oid ?? NO_HEAD,
    `pulls:${newest(node.pullRequests)}`,
    `issues:${newest(node.issues)}`,
    ...(node.isArchived ? ['archived'] : []),
    ...(node.isDisabled ? ['disabled'] : []),
  ].join(' ');
}

/** A fingerprint's default-branch head: its second field (GitHub names have no spaces). */
function headOidOf(fingerprint: string): string | undefined {
  return fingerprint.split(' ')[1];
}

function toLatestUpdateMs(node: RepoChangesNode): number {
  return Math.max(
    ...[node.pullRequests.nodes[0]?.updatedAt, node.issues.nodes[0]?.updatedAt].map((at) =>
      at === undefined ? 0 : Date.parse(at),
    ),
  );
}

/** The latest of the last push (any branch) and the newest PR's and issue's update; 0 if none. */
function toLastActivityMs(node: RepoChangesNode): number {
  return Math.max(toLatestUpdateMs(node), node.pushedAt === null ? 0 : Date.parse(node.pushedAt));
}

function toChangeReason(state: RepoChangeState, fingerprint: string): ChangeReason | undefined {
  if (state.fingerprint === undefined) return 'new';
  if (state.fingerprint !== fingerprint) return 'changed';
  return undefined;
}

/**
 * Whether an unchanged repo owes a LOC refresh by the scrape's rule. One never refreshed
 * after a complete scrape, or whose statistics GitHub refuses, has LOC out of the fleet's
 * scope or unreadable: a scrape each cycle would change nothing.
 */
function isLocOwed(state: RepoChangeState, nowMs: number, refreshIntervalMs: number): boolean {
  if (state.locRefreshedAtMs === undefined || state.refusedResources?.includes('loc') === true) {
    return false;
  }
  return isLocDue(state, nowMs, refreshIntervalMs);
}

/** The fingerprint only once the repo's latest update has settled. */
function toChangedRepo(
  repo: { readonly name: string; readonly fingerprint: string; readonly settled: boolean },
  reason: ChangeReason,
): ChangedRepo {
  return repo.settled
    ? { name: repo.name, fingerprint: repo.fingerprint, reason }
    : { name: repo.name, reason };
}

function toListedRepo(node: RepoChangesNode): ListedRepo {
  return {
    id: node.databaseId,
    name: node.name,
    updatedAtMs: Date.parse(node.updatedAt),
    archived: node.isArchived,
    disabled: node.isDisabled,
  };
}

/** A `null` node is a repo GitHub failed to resolve this time, not one that is gone. */
function retryLater(reason: string): GitHubRequestError {
  const decision = { kind: 'retry', reason, retryAfterMs: undefined } as const;
  return new GitHubRequestError('POST', OPERATION, 200, 1, decision, { cause: undefined });
}

function unusable(reason: string): GitHubResponseError {
  return new GitHubResponseError('POST', OPERATION, 200, reason);
}
