/** Requests to one endpoint (or in total), by outcome. */
export interface EndpointCounter {
  /** Every request, whatever its status. */
  readonly total: number;
  /** Requests that cost primary rate limit. */
  readonly counted: number;
  /** Conditional requests answered `304` (free, as on GitHub). */
  readonly notModified: number;
  /** Status code → requests, e.g. `{ "200": 12, "304": 3 }`. */
  readonly byStatus: Readonly<Record<string, number>>;
}

/** Which secondary limit refused a request: in-flight requests, points per minute, or a fault. */
export type SecondaryHitCause = 'concurrency' | 'points' | 'injected';

/** Requests by kind and the secondary limits they met (in total, or of one installation). */
export interface KindCounter {
  /** REST requests, whatever their status (304s and refusals included). */
  readonly restRequests: number;
  /** REST requests that cost primary (`core`) rate limit. */
  readonly restCounted: number;
  /** REST conditional requests answered `304`. */
  readonly restNotModified: number;
  /** `POST /graphql` requests, whatever their outcome. */
  readonly graphqlQueries: number;
  /** GraphQL primary points charged (each query's computed cost). */
  readonly graphqlPoints: number;
  /** Secondary-limit hits (403/429 with `retry-after`), REST and GraphQL, by cause. */
  readonly secondaryHits: Readonly<Record<SecondaryHitCause, number>>;
}

export interface InstallationCounter extends EndpointCounter {
  readonly installationId: number;
  readonly org: string;
  readonly byKind: KindCounter;
  /** Most requests of this installation in flight at once (rejected ones included). */
  readonly peakConcurrency: number;
  /** Endpoint key (`GET /repos/{owner}/{repo}/commits`) → counter. */
  readonly endpoints: Readonly<Record<string, EndpointCounter>>;
}

/** What the simulator has served since the last reset. Control requests are not counted. */
export interface SimCounters {
  readonly total: EndpointCounter;
  readonly byKind: KindCounter;
  /** Endpoint key (`GET /repos/{owner}/{repo}/commits`, `GET (unknown)`) → counter. */
  readonly endpoints: Readonly<Record<string, EndpointCounter>>;
  /** Installation id → counter; requests made with an installation token or for one. */
  readonly installations: Readonly<Record<string, InstallationCounter>>;
}

export interface RequestRecord {
  readonly kind: 'rest' | 'graphql';
  /** `GET /repos/{owner}/{repo}`, `POST /graphql`. */
  readonly endpointKey: string;
  readonly status: number;
  /** Whether it cost primary rate limit (REST `core`, or GraphQL points). */
  readonly counted: boolean;
  readonly installation: { readonly id: number; readonly org: string } | undefined;
  /** GraphQL primary points charged; absent for REST. */
  readonly graphqlPoints?: number;
  /** The secondary limit that refused it, when one did. */
  readonly secondaryHit?: SecondaryHitCause;
}

export interface RequestCounters {
  record(request: RequestRecord): void;
  snapshot(peakOf: (installationId: number) => number): SimCounters;
  reset(): void;
}

interface MutableCounter {
  total: number;
  counted: number;
  notModified: number;
  byStatus: Record<string, number>;
}

const emptyCounter = (): MutableCounter => ({ total: 0, counted: 0, notModified: 0, byStatus: {} });

interface MutableKindCounter {
  restRequests: number;
  restCounted: number;
  restNotModified: number;
  graphqlQueries: number;
  graphqlPoints: number;
  secondaryHits: Record<SecondaryHitCause, number>;
}

const emptyKindCounter = (): MutableKindCounter => ({
  restRequests: 0,
  restCounted: 0,
  restNotModified: 0,
  graphqlQueries: 0,
  graphqlPoints: 0,
  secondaryHits: { concurrency: 0, points: 0, injected: 0 },
});

function addKind(counter: MutableKindCounter, request: RequestRecord): void {
  if (request.kind === 'rest') {
    counter.restRequests += 1;
    if (request.counted) counter.restCounted += 1;
    if (request.status === 304) counter.restNotModified += 1;
  } else {
    counter.graphqlQueries += 1;
    counter.graphqlPoints += request.graphqlPoints ?? 0;
  }
  if (request.secondaryHit) counter.secondaryHits[request.secondaryHit] += 1;
}

const copyKind = (counter: MutableKindCounter): KindCounter => ({
  ...counter,
  secondaryHits: { ...counter.secondaryHits },
});

function add(counter: MutableCounter, request: RequestRecord): void {
  counter.total += 1;
  if (request.counted) counter.counted += 1;
  if (request.status === 304) counter.notModified += 1;
  const status = String(request.status);
  counter.byStatus[status] = (counter.byStatus[status] ?? 0) + 1;
}

function copy(counter: MutableCounter): EndpointCounter {
  return { ...counter, byStatus: { ...counter.byStatus } };
}

function copyAll(counters: Map<string, MutableCounter>): Record<string, EndpointCounter> {
  return Object.fromEntries([...counters].map(([key, counter]) => [key, copy(counter)]));
}

export function createRequestCounters(): RequestCounters {
  let total = emptyCounter();
  let byKind = emptyKindCounter();
  let endpoints = new Map<string, MutableCounter>();
  let installations = new Map<
    number,
    {
      org: string;
      total: MutableCounter;
      byKind: MutableKindCounter;
      endpoints: Map<string, MutableCounter>;
    }
  >();

  const counterIn = (map: Map<string, MutableCounter>, key: string): MutableCounter => {
    const existing = map.get(key);
    if (existing) return existing;
    const created = emptyCounter();
    map.set(key, created);
    return created;
  };

  return {
    record(request) {
      add(total, request);
      addKind(byKind, request);
      add(counterIn(endpoints, request.endpointKey), request);
      if (!request.installation) return;
      let entry = installations.get(request.installation.id);
      if (!entry) {
        entry = {
          org: request.installation.org,
          total: emptyCounter(),
          byKind: emptyKindCounter(),
          endpoints: new Map(),
        };
        installations.set(request.installation.id, entry);
      }
      add(entry.total, request);
      addKind(entry.byKind, request);
      add(counterIn(entry.endpoints, request.endpointKey), request);
    },
    snapshot: (peakOf) => ({
      total: copy(total),
      byKind: copyKind(byKind),
      endpoints: copyAll(endpoints),
      installations: Object.fromEntries(
        [...installations].map(([id, entry]) => [
          String(id),
          {
            ...copy(entry.total),
            installationId: id,
            org: entry.org,
            byKind: copyKind(entry.byKind),
            peakConcurrency: peakOf(id),
            endpoints: copyAll(entry.endpoints),
          },
        ]),
      ),
    }),
    reset() {
      total = emptyCounter();
      byKind = emptyKindCounter();
      endpoints = new Map();
      installations = new Map();
    },
  };
}
