import { createHash } from 'node:crypto';

import type {
  SimCommit,
  SimIssue,
  SimIssueComment,
  SimPull,
  SimRepo,
  SimReview,
} from '../model.js';
import { WEB_FLOW_PERSON } from './git-person.js';
import type { GitPerson } from './git-person.js';
import type {
  BuildContext,
  CommentSpec,
  CommitSpec,
  IssueSpec,
  MergeSpec,
  PullSpec,
  RepoSpec,
  ReviewSpec,
  ThreadHandle,
} from './repo-spec.js';
import { parseIsoMs, toIsoSeconds } from './sim-time.js';

interface DraftCommit extends CommitSpec {
  readonly index: number;
  readonly mergeOf?: number;
}

interface DraftThread {
  readonly key: number;
  readonly kind: 'pull' | 'issue';
  readonly user: string;
  readonly title: string;
  readonly createdMs: number;
  readonly draft: boolean;
  readonly closedMs: number | undefined;
  readonly merge: MergeSpec | undefined;
  readonly reviews: (ReviewSpec & { readonly seq: number })[];
}

interface DraftComment extends CommentSpec {
  readonly threadKey: number;
  readonly seq: number;
}

/**
 * Collects one repository's history in any order and turns it into a `SimRepo` that keeps
 * every invariant of `model.ts`: numbers shared by issues and PRs in creation order, ids in
 * chronological order, sort orders, parents, `updatedAt` ≥ every child event, and
 * `pushedAt` = the latest commit. Inconsistent input (a review before its PR) throws: it is
 * a bug in a profile, not a case to simulate.
 */
export class RepoBuilder {
  readonly id: number;
  readonly defaultBranch: string;
  private readonly commits: DraftCommit[] = [];
  private readonly threads: DraftThread[] = [];
  private readonly comments: DraftComment[] = [];
  private seq = 0;

  constructor(
    private readonly spec: RepoSpec,
    private readonly context: BuildContext,
  ) {
    this.id = context.ids.next();
    this.defaultBranch = spec.defaultBranch ?? 'main';
  }

  get name(): string {
    return this.spec.name;
  }

  addCommit(commit: CommitSpec): void {
    if ((commit.committerMs ?? commit.authorMs) < this.spec.createdMs) {
      throw new Error(`${this.spec.name}: commit before the repo was created`);
    }
    this.commits.push({ ...commit, index: this.commits.length });
  }

  addPull(pull: PullSpec): ThreadHandle {
    if (pull.merge && (pull.draft === true || pull.closedMs !== undefined)) {
      throw new Error(`${this.spec.name}: a merged PR cannot be a draft or closed unmerged`);
    }
    const endMs = pull.merge?.atMs ?? pull.closedMs;
    if (endMs !== undefined && endMs < pull.createdMs) {
      throw new Error(`${this.spec.name}: PR "${pull.title}" ends before it starts`);
    }
    return this.addThread({
      kind: 'pull',
      user: pull.user,
      title: pull.title,
      createdMs: pull.createdMs,
      draft: pull.draft ?? false,
      closedMs: pull.merge?.atMs ?? pull.closedMs,
      merge: pull.merge,
    });
  }

  addIssue(issue: IssueSpec): ThreadHandle {
    return this.addThread({
      kind: 'issue',
      user: issue.user,
      title: issue.title,
      createdMs: issue.createdMs,
      draft: false,
      closedMs: issue.closedMs,
      merge: undefined,
    });
  }

  addReview(pull: ThreadHandle, review: ReviewSpec): void {
    const thread = this.thread(pull);
    if (thread.kind !== 'pull') throw new Error(`${this.spec.name}: reviews need a PR`);
    if (review.atMs < thread.createdMs) throw new Error(`${this.spec.name}: review before PR`);
    thread.reviews.push({ ...review, seq: this.nextSeq() });
  }

  addComment(thread: ThreadHandle, comment: CommentSpec): void {
    if (comment.createdMs < this.thread(thread).createdMs) {
      throw new Error(`${this.spec.name}: comment before its issue`);
    }
    if ((comment.updatedMs ?? comment.createdMs) < comment.createdMs) {
      throw new Error(`${this.spec.name}: comment edited before it was written`);
    }
    this.comments.push({ ...comment, threadKey: thread.key, seq: this.nextSeq() });
  }

  build(): SimRepo {
    const numbers = this.assignNumbers();
    const { commits, pullTips } = this.buildCommits(numbers);
    const eventIds = this.assignEventIds();
    const comments = this.buildComments(numbers, eventIds);
    const latestChildMs = this.latestChildEventMs();
    const pulls: SimPull[] = [];
    const issues: SimIssue[] = [];
    for (const thread of this.threadsNewestFirst()) {
      const number = this.numberOf(numbers, thread.key);
      const updatedMs = Math.max(
        thread.createdMs,
        thread.closedMs ?? 0,
        latestChildMs.get(thread.key) ?? 0,
      );
      if (thread.kind === 'issue') {
        issues.push({
          number,
          title: thread.title,
          user: thread.user,
          state: thread.closedMs === undefined ? 'open' : 'closed',
          createdAt: toIsoSeconds(thread.createdMs),
          updatedAt: toIsoSeconds(updatedMs),
        });
        continue;
      }
      const headSha = pullTips.get(thread.key) ?? this.defaultHeadSha(commits, thread.key);
      pulls.push({
        number,
        title: thread.title,
        user: thread.user,
        draft: thread.draft,
        state: thread.closedMs === undefined ? 'open' : 'closed',
        createdAt: toIsoSeconds(thread.createdMs),
        updatedAt: toIsoSeconds(updatedMs),
        closedAt: thread.closedMs === undefined ? null : toIsoSeconds(thread.closedMs),
        mergedAt: thread.merge ? toIsoSeconds(thread.merge.atMs) : null,
        mergedBy: thread.merge?.by ?? null,
        headRef: headRefOf(thread, number),
        baseRef: this.defaultBranch,
        reviews: chronological(thread.reviews).map((review): SimReview => ({
          id: mustGet(eventIds, review.seq),
          user: review.user,
          state: review.state,
          submittedAt: review.state === 'PENDING' ? null : toIsoSeconds(review.atMs),
          body: review.body ?? '',
          commitId: headSha,
        })),
      });
    }
    const newest = commits[0];
    const pushedMs = newest ? parseIsoMs(newest.committer.date) : this.spec.createdMs;
    const eventMs = [
      ...this.threads.map((t) => t.createdMs),
      ...this.comments.map((c) => c.createdMs),
    ];
    if (eventMs.some((ms) => ms < this.spec.createdMs)) {
      throw new Error(`${this.spec.name}: activity before the repo was created`);
    }
    return {
      id: this.id,
      name: this.spec.name,
      defaultBranch: this.defaultBranch,
      private: this.spec.private ?? false,
      fork: this.spec.fork ?? false,
      archived: this.spec.archived ?? false,
      disabled: this.spec.disabled ?? false,
      createdAt: toIsoSeconds(this.spec.createdMs),
      updatedAt: toIsoSeconds(pushedMs),
      pushedAt: toIsoSeconds(pushedMs),
      commits,
      pulls,
      issues,
      comments,
      reviewComments: [],
      statsReportZeroLines: this.spec.statsReportZeroLines ?? false,
    };
  }

  private addThread(thread: Omit<DraftThread, 'key' | 'reviews'>): ThreadHandle {
    const key = this.threads.length;
    this.threads.push({ ...thread, key, reviews: [] });
    return { key };
  }

  private thread(handle: ThreadHandle): DraftThread {
    const thread = this.threads[handle.key];
    if (!thread) throw new Error(`${this.spec.name}: unknown thread ${handle.key}`);
    return thread;
  }

  private nextSeq(): number {
    this.seq += 1;
    return this.seq;
  }

  /** Issues and PRs share one sequence, numbered in creation order as on GitHub. */
  private assignNumbers(): Map<number, number> {
    const ordered = [...this.threads].sort((a, b) => a.createdMs - b.createdMs || a.key - b.key);
    return new Map(ordered.map((thread, index) => [thread.key, index + 1]));
  }

  private numberOf(numbers: Map<number, number>, key: number): number {
    return mustGet(numbers, key);
  }

  private threadsNewestFirst(): DraftThread[] {
    return [...this.threads].sort((a, b) => b.createdMs - a.createdMs || b.key - a.key);
  }

  /** Review and comment ids (keyed by `seq`) grow with time, as GitHub's do. */
  private assignEventIds(): Map<number, number> {
    const events = [
      ...this.threads.flatMap((t) => t.reviews.map((r) => ({ seq: r.seq, ms: r.atMs }))),
      ...this.comments.map((c) => ({ seq: c.seq, ms: c.createdMs })),
    ].sort((a, b) => a.ms - b.ms || a.seq - b.seq);
    return new Map(events.map((event) => [event.seq, this.context.ids.next()]));
  }

  /**
   * The latest time anything touched each thread: a submitted review, a comment or its edit,
   * a push to the PR's branch (each moves GitHub's `updated_at`; a PENDING review does not).
   */
  private latestChildEventMs(): Map<number, number> {
    const latest = new Map<number, number>();
    const touch = (key: number, ms: number): void => {
      latest.set(key, Math.max(latest.get(key) ?? ms, ms));
    };
    for (const comment of this.comments) touch(comment.threadKey, commentUpdatedMs(comment));
    for (const commit of this.commits) if (commit.pull) touch(commit.pull.key, committerMs(commit));
    for (const thread of this.threads) {
      for (const review of thread.reviews) {
        if (review.state !== 'PENDING') touch(thread.key, review.atMs);
      }
    }
    return latest;
  }

  private buildComments(
    numbers: Map<number, number>,
    eventIds: Map<number, number>,
  ): SimIssueComment[] {
    return this.comments
      .map((comment) => ({
        id: mustGet(eventIds, comment.seq),
        issueNumber: this.numberOf(numbers, comment.threadKey),
        user: comment.user,
        body: comment.body ?? 'Looks good to me.',
        createdAt: toIsoSeconds(comment.createdMs),
        updatedAt: toIsoSeconds(commentUpdatedMs(comment)),
      }))
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id - b.id);
  }

  /** All commits newest first, and each PR's head commit (by thread key). */
  private buildCommits(numbers: Map<number, number>): {
    commits: SimCommit[];
    pullTips: Map<number, string>;
  } {
    const drafts: DraftCommit[] = [...this.commits];
    for (const thread of this.threads) {
      if (!thread.merge) continue;
      const number = this.numberOf(numbers, thread.key);
      const squash = thread.merge.style === 'squash';
      drafts.push({
        index: drafts.length,
        author: this.context.personOf(squash ? thread.user : thread.merge.by),
        committer: WEB_FLOW_PERSON,
        authorMs: thread.merge.atMs,
        message: squash
          ? `${thread.title} (#${number})`
          : `Merge pull request #${number} from ${this.spec.owner}/${headRefOf(thread, number)}\n\n${thread.title}`,
        files: squash ? (thread.merge.files ?? []) : [],
        ...(squash ? {} : { mergeOf: thread.key }),
      });
    }
    const branchOf = (draft: DraftCommit): string => {
      if (draft.pull === undefined) return draft.branch ?? this.defaultBranch;
      const thread = this.thread(draft.pull);
      if (thread.merge?.style === 'merge') return this.defaultBranch;
      return headRefOf(thread, this.numberOf(numbers, thread.key));
    };
    const shaOf = (draft: DraftCommit): string =>
      createHash('sha1').update(`${this.context.seed}:${this.id}:${draft.index}`).digest('hex');
    const oldestFirst = drafts.sort((a, b) => committerMs(a) - committerMs(b) || a.index - b.index);
    const heads = new Map<string, string>();
    const pullTips = new Map<number, string>();
    const built: SimCommit[] = oldestFirst.map((draft) => {
      const branch = branchOf(draft);
      const sha = shaOf(draft);
      // A PR's commits form their own line off the default branch until a merge commit joins
      // it (first parent: the default branch, second: the PR's head), as in git.
      const lane = draft.pull === undefined ? branch : `pull:${draft.pull.key}`;
      const parents = [heads.get(lane) ?? heads.get(this.defaultBranch)].filter(isString);
      const mergedTip = draft.mergeOf === undefined ? undefined : pullTips.get(draft.mergeOf);
      if (mergedTip !== undefined) parents.push(mergedTip);
      heads.set(lane, sha);
      if (draft.pull !== undefined) pullTips.set(draft.pull.key, sha);
      const committer = draft.committer ?? draft.author;
      return {
        sha,
        message: draft.message ?? 'Update',
        branch,
        parents,
        author: { ...identity(draft.author), date: toIsoSeconds(draft.authorMs) },
        committer: { ...identity(committer), date: toIsoSeconds(committerMs(draft)) },
        authorLogin: draft.author.login,
        committerLogin: committer.login,
        files: draft.files ?? [],
      };
    });
    return { commits: built.reverse(), pullTips };
  }

  /** A review's `commit_id` when its PR has no commits of its own: the default branch head. */
  private defaultHeadSha(commits: readonly SimCommit[], key: number): string {
    const head = commits.find((c) => c.branch === this.defaultBranch);
    return head?.sha ?? createHash('sha1').update(`${this.id}:no-head:${key}`).digest('hex');
  }
}

/** Reviews as GitHub lists them: in submission order (their ids grow with time too). */
function chronological(
  reviews: readonly (ReviewSpec & { readonly seq: number })[],
): (ReviewSpec & { readonly seq: number })[] {
  return [...reviews].sort((a, b) => a.atMs - b.atMs || a.seq - b.seq);
}

function identity(person: GitPerson): { name: string; email: string } {
  return { name: person.name, email: person.email };
}

function committerMs(commit: CommitSpec): number {
  return commit.committerMs ?? commit.authorMs;
}

function commentUpdatedMs(comment: CommentSpec): number {
  return comment.updatedMs ?? comment.createdMs;
}

function headRefOf(thread: DraftThread, number: number): string {
  return thread.user.endsWith('[bot]')
    ? `${thread.user.replace('[bot]', '')}/update-${number}`
    : `${thread.user}/change-${number}`;
}

function isString(value: string | undefined): value is string {
  return value !== undefined;
}

function mustGet<K, V>(map: ReadonlyMap<K, V>, key: K): V {
  const value = map.get(key);
  if (value === undefined) throw new Error(`missing entry ${String(key)}`);
  return value;
}
