import type { RepoChanges, RepoScrapeOutcome } from '../src/index.js';
import { injectActivity, toCountedPageBound } from './activity-injection.js';
import type { BenchWorld } from './bench-world.js';
import { readRepoLikeGoExporter } from './go-exporter-baseline.js';
import {
  addToTally,
  createRequestTally,
  measureRequests,
  type Measured,
  type RequestTally,
} from './request-tally.js';

/** The scenario of issue #3's `pnpm bench` bullet. */
export interface RequestCostScenario {
  /** `github.orgs[].scrape_interval`: the scrapers' clock moves this much per cycle. */
  readonly scrapeIntervalMs: number;
  /** Cycles of (a), no new activity, after the first scrape. */
  readonly quietCycles: number;
  /** Cycles of (b), new activity in `changedRepoFraction` of the repos before each. */
  readonly activeCycles: number;
  readonly changedRepoFraction: number;
  /** The installation token is rotated (`expireTokens`) every this many cycles. */
  readonly tokenLifetimeCycles: number;
  /** Repos scraped at once, outside the per-repo measurements of (b). */
  readonly concurrency: number;
}

/** What one side (ours or the baseline) cost in one cycle. */
export interface SideCost {
  readonly tally: RequestTally;
  readonly wallMs: number;
}

/** A changed repo of (b): its own requests, measured alone, against its bound. */
export interface ChangedRepoCost {
  readonly repo: string;
  readonly ours: RequestTally;
  readonly baseline: RequestTally;
  /** One counted page per changed resource plus one per 100 new items. */
  readonly countedPageBound: number;
}

/** What keeping the comment ledger equal to GitHub's listing cost ours in one cycle. */
export interface ReconcileCost {
  /** Counted requests made only to read a comment list back to retention (in `ours` too). */
  requests: number;
  /** Comment lists proven equal to the ledger back to retention (free or by those requests). */
  provenToRetention: number;
  /** Ledger events GitHub no longer listed. */
  removed: number;
}

export interface CycleCost {
  /** 0 is the first scrape; (a) and (b) follow on one clock. */
  readonly cycle: number;
  /** The token was rotated just before this cycle. */
  readonly tokenRotated: boolean;
  readonly ours: SideCost;
  readonly baseline: SideCost;
  readonly reconcile: ReconcileCost;
  /** Empty in (a). */
  readonly changedRepos: readonly ChangedRepoCost[];
  /** Repos change detection left alone, and how long recomputing their series took. */
  readonly quietRefresh: { readonly repos: number; readonly wallMs: number };
  /**
   * What follows, in repos that show no change, what change detection cannot see (in
   * `ours` too): the comment reconciles of quiet repos and the login checks.
   */
  readonly unseen: {
    readonly reconciledRepos: number;
    readonly reconcileTally: RequestTally;
    readonly loginsChecked: number;
    readonly loginTally: RequestTally;
  };
}

export interface RequestCostRun {
  readonly repoCount: number;
  readonly firstScrape: CycleCost;
  readonly quiet: readonly CycleCost[];
  readonly active: readonly CycleCost[];
  /** The scrapers' clock at the first and the last cycle. */
  readonly clockStartMs: number;
  readonly clockEndMs: number;
}

/** Runs `work` for every item, at most `concurrency` at once. */
export async function forEachConcurrently<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

/** `scrapeRepo` of one repo; throws on a partial scrape, which would make the numbers lie. */
export async function scrapeCompletely(
  world: BenchWorld,
  repo: string,
): Promise<RepoScrapeOutcome> {
  const outcome = await world.scrape(repo);
  // A partial scrape would cost less than a real one and make the numbers lie.
  if (outcome.status !== 'done') {
    const missing = outcome.missing.map((entry) => `${entry.resource}: ${entry.error}`);
    throw new Error(`scrape of ${world.org}/${repo} was partial (${missing.join('; ')})`);
  }
  return outcome;
}

/**
 * The org cycle's change detection between a counter reset and a snapshot, with the
 * fingerprint to store for each repo it hands out. Throws if it missed a repo in `changed`
 * (given new activity): the numbers would flatter us.
 */
export async function detectChangesMeasured(
  world: BenchWorld,
  scrapeIntervalMs: number,
  changed: readonly string[],
): Promise<{
  readonly detection: Measured<RepoChanges>;
  readonly fingerprints: ReadonlyMap<string, string | undefined>;
}> {
  const detection = await measureRequests(world.simulator, () =>
    world.detectChanges(scrapeIntervalMs),
  );
  const fingerprints = new Map(
    detection.result.changed.map((repo) => [repo.name, repo.fingerprint]),
  );
  const missed = changed.filter((repo) => !fingerprints.has(repo));
  if (missed.length > 0) {
    throw new Error(`change detection missed repos with new activity: ${missed.join(', ')}`);
  }
  return { detection, fingerprints };
}

async function readBaseline(world: BenchWorld, repo: string): Promise<void> {
  await readRepoLikeGoExporter(world.baselineClient, { org: world.org, repo }, world.nowMs);
}

/**
 * Measures `run` for `changed` repos one at a time (so each has its own counters), then for
 * the rest at `concurrency`, and sums both into the side's cost.
 */
async function measureSide(
  world: BenchWorld,
  changed: readonly string[],
  /** The other repos the side reads, together. */
  others: readonly string[],
  concurrency: number,
  run: (repo: string) => Promise<void>,
): Promise<{ cost: SideCost; perChangedRepo: RequestTally[] }> {
  const tally = createRequestTally();
  let wallMs = 0;
  const perChangedRepo: RequestTally[] = [];
  for (const repo of changed) {
    const measured = await measureRequests(world.simulator, () => run(repo));
    perChangedRepo.push(measured.tally);
    addToTally(tally, measured.tally);
    wallMs += measured.wallMs;
  }
  const measured = await measureRequests(world.simulator, () =>
    forEachConcurrently(others, concurrency, run),
  );
  addToTally(tally, measured.tally);
  wallMs += measured.wallMs;
  return { cost: { tally, wallMs }, perChangedRepo };
}

async function runCycle(
  world: BenchWorld,
  scenario: RequestCostScenario,
  cycle: number,
  clockStartMs: number,
  changed: readonly string[],
): Promise<CycleCost> {
  world.nowMs = clockStartMs + cycle * scenario.scrapeIntervalMs;
  const tokenRotated = cycle > 0 && cycle % scenario.tokenLifetimeCycles === 0;
  if (tokenRotated) world.simulator.expireTokens(world.org);
  const bounds = changed.map((repo, index) =>
    toCountedPageBound(
      injectActivity(world.simulator, { org: world.org, repo }, world.nowMs, cycle + index),
    ),
  );
  const reconcile: ReconcileCost = { requests: 0, provenToRetention: 0, removed: 0 };
  // Ours: change detection first (its GraphQL pages are part of the cycle's cost), then a
  // scrape of the repos it hands out only; the quiet ones get their series recomputed.
  const { detection, fingerprints } = await detectChangesMeasured(
    world,
    scenario.scrapeIntervalMs,
    changed,
  );
  const changes = detection.result;
  // The quiet repos due for their comment reconcile read only their comment lists; then the
  // cycle's share of the login checks, as the org cycle does.
  const plan = await world.planCommentReconciles(changes.quiet, scenario.scrapeIntervalMs);
  const reconciled = await measureRequests(world.simulator, () =>
    forEachConcurrently(
      plan.reconcile.map(({ name }) => name),
      scenario.concurrency,
      async (repo) => {
        const resources = plan.reconcile.find(({ name }) => name === repo)?.resources ?? [];
        const outcome = await world.scrape(repo, { resources });
        reconcile.requests += outcome.reconcileRequests;
        reconcile.provenToRetention += outcome.reconciledToRetention.length;
        reconcile.removed += outcome.removed;
      },
    ),
  );
  const logins = await measureRequests(world.simulator, () =>
    world.checkLogins(scenario.scrapeIntervalMs),
  );
  const changedSet = new Set(changed);
  const ours = await measureSide(
    world,
    changed,
    [...fingerprints.keys()].filter((repo) => !changedSet.has(repo)),
    scenario.concurrency,
    async (repo) => {
      const outcome = await scrapeCompletely(world, repo);
      await world.storeFingerprint(repo, fingerprints.get(repo), outcome);
      reconcile.requests += outcome.reconcileRequests;
      reconcile.provenToRetention += outcome.reconciledToRetention.length;
      reconcile.removed += outcome.removed;
    },
  );
  addToTally(ours.cost.tally, detection.tally);
  addToTally(ours.cost.tally, reconciled.tally);
  addToTally(ours.cost.tally, logins.tally);
  const refreshStartedAt = performance.now();
  await world.syncRepos(changes, plan.quiet);
  const quietRefresh = {
    repos: plan.quiet.length,
    wallMs: performance.now() - refreshStartedAt,
  };
  const baseline = await measureSide(
    world,
    changed,
    world.repos.filter((repo) => !changedSet.has(repo)),
    scenario.concurrency,
    (repo) => readBaseline(world, repo),
  );
  return {
    cycle,
    tokenRotated,
    ours: {
      tally: ours.cost.tally,
      wallMs: ours.cost.wallMs + detection.wallMs + reconciled.wallMs + logins.wallMs,
    },
    baseline: baseline.cost,
    reconcile,
    quietRefresh,
    unseen: {
      reconciledRepos: plan.reconcile.length,
      reconcileTally: reconciled.tally,
      loginsChecked: logins.result.checked,
      loginTally: logins.tally,
    },
    changedRepos: changed.map((repo, index) => ({
      repo,
      ours: ours.perChangedRepo[index] ?? createRequestTally(),
      baseline: baseline.perChangedRepo[index] ?? createRequestTally(),
      countedPageBound: bounds[index] ?? 0,
    })),
  };
}

/** The repos changed before (b)'s `activeIndex`-th cycle: the next slice of the org, in turn. */
function changedReposOf(repos: readonly string[], fraction: number, activeIndex: number): string[] {
  const count = Math.round(repos.length * fraction);
  return Array.from(
    { length: count },
    (_, offset) => repos[(activeIndex * count + offset) % repos.length] ?? '',
  );
}

/**
 * Cycle 0 (the first scrape), then (a) and (b) on one clock that moves a scrape interval
 * per cycle. In every cycle our scraper runs first and the baseline second, against the
 * same dataset at the same instant.
 */
export async function runRequestCostScenario(
  world: BenchWorld,
  scenario: RequestCostScenario,
  onCycle: (cost: CycleCost) => void = () => undefined,
): Promise<RequestCostRun> {
  const clockStartMs = world.nowMs;
  const measureCycle = async (cycle: number, changed: readonly string[]): Promise<CycleCost> => {
    const cost = await runCycle(world, scenario, cycle, clockStartMs, changed);
    onCycle(cost);
    return cost;
  };
  const firstScrape = await measureCycle(0, []);
  const quiet: CycleCost[] = [];
  for (let index = 1; index <= scenario.quietCycles; index++) {
    quiet.push(await measureCycle(index, []));
  }
  const active: CycleCost[] = [];
  for (let index = 0; index < scenario.activeCycles; index++) {
    const changed = changedReposOf(world.repos, scenario.changedRepoFraction, index);
    active.push(await measureCycle(scenario.quietCycles + 1 + index, changed));
  }
  return {
    repoCount: world.repos.length,
    firstScrape,
    quiet,
    active,
    clockStartMs,
    clockEndMs: world.nowMs,
  };
}
