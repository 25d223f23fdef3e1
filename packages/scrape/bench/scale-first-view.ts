import type { RepoScrapeOutcome } from '../src/index.js';
import { checkSeries, type BenchWorld, type SeriesCheck, type SeriesView } from './bench-world.js';
import { forEachConcurrently, scrapeCompletely } from './request-cost-scenario.js';
import { measureRequests, toPlannedKinds, type PlannedKinds } from './request-tally.js';

/** A new org's first cycle, paced: change detection and the first read of every repo it hands out. */
export interface FirstViewRun {
  readonly reposRead: number;
  /** The requests `plan` estimates: REST to repos, GraphQL queries and points. */
  readonly cost: PlannedKinds;
  readonly secondaryHits: number;
  /** Real time from the first request to the last series written. */
  readonly wallMs: number;
  /** Every repo's 24 h gauges and LOC week against the ground truth, right after. */
  readonly gauges: SeriesCheck;
  /** What the first reads left to the backfill-worker: one window per repo and resource. */
  readonly history: readonly HistoryMessage[];
}

/** A backfill message of a first read's pending history, as the backfill-worker receives it. */
export interface HistoryMessage {
  readonly repo: string;
  readonly window: { readonly fromMs: number; readonly toMs: number };
  readonly resource: NonNullable<RepoScrapeOutcome['history']>['resources'][number];
}

export interface HistoryRun {
  readonly messages: number;
  readonly cost: PlannedKinds;
  readonly wallMs: number;
}

/**
 * The 24 h gauges and the LOC week of a series with activity in the last 24 h; `undefined`
 * (nothing to show yet) for the others: until a repo's history is in, its series are the
 * users with an event in the part read (docs/configuration.md, `history_in_background`).
 */
export const gaugesOf: SeriesView = (series) => {
  const day = [
    series.commits24h,
    series.prsOpened24h,
    series.prsMerged24h,
    series.reviewsSubmitted24h,
    series.issueComments24h,
    series.prReviewComments24h,
  ];
  return day.some((gauge) => gauge !== 0)
    ? [...day, series.locAddedWeekly, series.locRemovedWeekly].join(',')
    : undefined;
};

/**
 * The org job's first cycle on a world whose pacing is in force: detection, then every repo
 * it hands out read at the scheduled priority, `concurrency` at once, then the store's sync.
 */
export async function readFirstView(
  world: BenchWorld,
  options: { readonly scrapeIntervalMs: number; readonly concurrency: number },
): Promise<FirstViewRun> {
  const outcomes: RepoScrapeOutcome[] = [];
  const measured = await measureRequests(world.simulator, async () => {
    const changes = await world.detectChanges(options.scrapeIntervalMs);
    await forEachConcurrently(changes.changed, options.concurrency, async (repo) => {
      const outcome = await scrapeCompletely(world, repo.name);
      await world.storeFingerprint(repo.name, repo.fingerprint, outcome);
      outcomes.push(outcome);
    });
    await world.syncRepos(changes, changes.quiet);
  });
  const { secondaryHits } = measured.counters.byKind;
  return {
    reposRead: outcomes.length,
    cost: toPlannedKinds(measured.counters),
    secondaryHits: secondaryHits.concurrency + secondaryHits.points + secondaryHits.injected,
    wallMs: measured.wallMs,
    gauges: await checkSeries(world, gaugesOf),
    history: historyMessagesOf(outcomes),
  };
}

/** One message per repo and resource whose history a first read left pending. */
export function historyMessagesOf(outcomes: readonly RepoScrapeOutcome[]): HistoryMessage[] {
  return outcomes.flatMap(({ ref, history }) =>
    (history?.resources ?? []).map((resource) => ({
      repo: ref.repo,
      window: history?.window ?? { fromMs: 0, toMs: 0 },
      resource,
    })),
  );
}

/**
 * The backfill-worker's reads of `messages`, `concurrency` at once, each of which must
 * complete; `beforeChunk` runs before each `chunk` of them (the bench resets GitHub's
 * windows there: an hour grants at most 15,000 REST requests).
 */
export async function readHistory(
  world: BenchWorld,
  messages: readonly HistoryMessage[],
  options: {
    readonly concurrency: number;
    readonly chunk: number;
    readonly beforeChunk: () => void;
  },
): Promise<HistoryRun> {
  const measured = await measureRequests(world.simulator, async () => {
    for (let start = 0; start < messages.length; start += options.chunk) {
      options.beforeChunk();
      await forEachConcurrently(
        messages.slice(start, start + options.chunk),
        options.concurrency,
        async (message) => {
          const outcome = await world.scrape(message.repo, {
            window: message.window,
            resources: [message.resource],
          });
          if (outcome.status !== 'done') {
            throw new Error(
              `history of ${world.org}/${message.repo} ${message.resource} was partial`,
            );
          }
        },
      );
    }
  });
  return {
    messages: messages.length,
    cost: toPlannedKinds(measured.counters),
    wallMs: measured.wallMs,
  };
}
