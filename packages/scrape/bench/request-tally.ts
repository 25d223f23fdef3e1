import type { EndpointCounter, GitHubSimulator, SimCounters } from '@gse/github-sim';

/** Requests of one endpoint template (or in total), by outcome, as the simulator counted them. */
export interface EndpointTally {
  total: number;
  /** Cost primary rate limit. */
  counted: number;
  /** Conditional requests answered `304` (free). */
  notModified: number;
  /** HTTP status → requests. */
  readonly byStatus: Map<number, number>;
}

/** Simulator counters summed over several measured spans (repos, cycles, phases). */
export interface RequestTally extends EndpointTally {
  /** `GET /repos/{owner}/{repo}/commits` → its requests. */
  readonly endpoints: Map<string, EndpointTally>;
}

const emptyEndpoint = (): EndpointTally => ({
  total: 0,
  counted: 0,
  notModified: 0,
  byStatus: new Map(),
});

export function createRequestTally(): RequestTally {
  return { ...emptyEndpoint(), endpoints: new Map() };
}

function addEndpoint(target: EndpointTally, source: EndpointTally): void {
  target.total += source.total;
  target.counted += source.counted;
  target.notModified += source.notModified;
  for (const [status, requests] of source.byStatus) {
    target.byStatus.set(status, (target.byStatus.get(status) ?? 0) + requests);
  }
}

/** Adds `source` into `tally`. */
export function addToTally(tally: RequestTally, source: RequestTally): void {
  addEndpoint(tally, source);
  for (const [endpoint, counter] of source.endpoints) {
    let entry = tally.endpoints.get(endpoint);
    if (!entry) {
      entry = emptyEndpoint();
      tally.endpoints.set(endpoint, entry);
    }
    addEndpoint(entry, counter);
  }
}

const toEndpointTally = (counter: EndpointCounter): EndpointTally => ({
  total: counter.total,
  counted: counter.counted,
  notModified: counter.notModified,
  byStatus: new Map(
    Object.entries(counter.byStatus).map(([status, requests]) => [Number(status), requests]),
  ),
});

/** A counters snapshot as a tally. */
export function toRequestTally(counters: SimCounters): RequestTally {
  return {
    ...toEndpointTally(counters.total),
    endpoints: new Map(
      Object.entries(counters.endpoints).map(([endpoint, counter]) => [
        endpoint,
        toEndpointTally(counter),
      ]),
    ),
  };
}

/** What one measured span cost, from the simulator's counters, and how long it took. */
export interface Measured<T> {
  readonly result: T;
  readonly tally: RequestTally;
  /** The simulator's counters of the span, by kind and secondary hit too. */
  readonly counters: SimCounters;
  readonly wallMs: number;
}

/**
 * Runs `work` between a counter reset and a snapshot. Spans must not overlap: the
 * simulator's counters are global, which is what makes them the source of truth here.
 */
export async function measureRequests<T>(
  simulator: GitHubSimulator,
  work: () => Promise<T>,
): Promise<Measured<T>> {
  simulator.resetCounters();
  const startedAt = performance.now();
  const result = await work();
  const wallMs = performance.now() - startedAt;
  const counters = simulator.counters();
  return { result, tally: toRequestTally(counters), counters, wallMs };
}

/** The requests `plan` estimates (`PhaseCost`), as the simulator counted them. */
export interface PlannedKinds {
  /** REST requests to repos (an installation token's mint is not a scrape's). */
  readonly restRequests: number;
  readonly graphqlQueries: number;
  readonly graphqlPoints: number;
}

export function toPlannedKinds(counters: SimCounters): PlannedKinds {
  const restRequests = Object.entries(counters.endpoints)
    .filter(([endpoint]) => endpoint.startsWith('GET /repos/'))
    .reduce((sum, [, counter]) => sum + counter.total, 0);
  return {
    restRequests,
    graphqlQueries: counters.byKind.graphqlQueries,
    graphqlPoints: counters.byKind.graphqlPoints,
  };
}
