import {
  GitHubRequestError,
  decodeCommitList,
  decodeCommentList,
  decodePullList,
  decodeReviewList,
  type GitHubClient,
} from '@gse/github';
import type { RepoRef } from '@gse/store';

import { toIsoSeconds } from '../src/scrape-context.js';

const DAY_MS = 86_400_000;

/** Items one baseline pass read for a repo (the Go exporter re-reads them every cycle). */
export interface BaselineRepoRead {
  readonly commits: number;
  readonly pulls: number;
  readonly reviews: number;
  readonly comments: number;
}

/**
 * The request pattern of the Go exporter this project replaces, for one repo and one cycle:
 * it keeps no checkpoints and no ETags, so every cycle re-reads the whole 24 h window —
 * commits `since` now − 24 h, every page of `pulls?state=all` (the whole PR history: 25
 * pages for 2,500 PRs), the reviews of each PR updated in those 24 h, and issue comments
 * `since` now − 24 h. Pages of 100. It reads and decodes what it gets, as the exporter
 * does, but tallies nothing: only its requests are measured. `client` must be one whose
 * ETag store never answers, so no request is conditional.
 */
export async function readRepoLikeGoExporter(
  client: GitHubClient,
  ref: RepoRef,
  nowMs: number,
): Promise<BaselineRepoRead> {
  const repoParams = { owner: ref.org, repo: ref.repo, per_page: 100 };
  const sinceMs = nowMs - DAY_MS;
  const since = toIsoSeconds(sinceMs);

  let commits = 0;
  try {
    for await (const page of client.paginate(
      'GET /repos/{owner}/{repo}/commits',
      { ...repoParams, since },
      decodeCommitList,
    )) {
      if (page.status === 200) commits += page.items.length;
    }
  } catch (error) {
    // An empty repository answers 409: it has no commits, as for our collector.
    if (!(error instanceof GitHubRequestError && error.status === 409)) throw error;
  }

  let pulls = 0;
  const updatedPulls: number[] = [];
  for await (const page of client.paginate(
    'GET /repos/{owner}/{repo}/pulls',
    { ...repoParams, state: 'all' },
    decodePullList,
  )) {
    if (page.status !== 200) continue;
    pulls += page.items.length;
    for (const pull of page.items) {
      if (Date.parse(pull.updated_at) >= sinceMs) updatedPulls.push(pull.number);
    }
  }

  let reviews = 0;
  for (const pullNumber of updatedPulls) {
    for await (const page of client.paginate(
      'GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews',
      { ...repoParams, pull_number: pullNumber },
      decodeReviewList,
    )) {
      if (page.status === 200) reviews += page.items.length;
    }
  }

  let comments = 0;
  for await (const page of client.paginate(
    'GET /repos/{owner}/{repo}/issues/comments',
    { ...repoParams, since },
    decodeCommentList,
  )) {
    if (page.status === 200) comments += page.items.length;
  }
  return { commits, pulls, reviews, comments };
}
