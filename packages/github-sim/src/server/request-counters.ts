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

export interface InstallationCounter extends EndpointCounter {
  readonly installationId: number;
  readonly org: string;
  /** Most requests of this installation in flight at once (rejected ones included). */
  readonly peakConcurrency: number;
  /** Endpoint key (`GET /repos/{owner}/{repo}/commits`) → counter. */
  readonly endpoints: Readonly<Record<string, EndpointCounter>>;
}

/** What the simulator has served since the last reset. Control requests are not counted. */
export interface SimCounters {
  readonly total: EndpointCounter;
  /** Endpoint key (`GET /repos/{owner}/{repo}/commits`, `GET (unknown)`) → counter. */
  readonly endpoints: Readonly<Record<string, EndpointCounter>>;
  /** Installation id → counter; requests made with an installation token or for one. */
  readonly installations: Readonly<Record<string, InstallationCounter>>;
}

export interface RequestRecord {
  readonly endpointKey: string;
  readonly status: number;
  readonly counted: boolean;
  readonly installation: { readonly id: number; readonly org: string } | undefined;
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
  let endpoints = new Map<string, MutableCounter>();
  let installations = new Map<
    number,
    { org: string; total: MutableCounter; endpoints: Map<string, MutableCounter> }
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
      add(counterIn(endpoints, request.endpointKey), request);
      if (!request.installation) return;
      let entry = installations.get(request.installation.id);
      if (!entry) {
        entry = { org: request.installation.org, total: emptyCounter(), endpoints: new Map() };
        installations.set(request.installation.id, entry);
      }
      add(entry.total, request);
      add(counterIn(entry.endpoints, request.endpointKey), request);
    },
    snapshot: (peakOf) => ({
      total: copy(total),
      endpoints: copyAll(endpoints),
      installations: Object.fromEntries(
        [...installations].map(([id, entry]) => [
          String(id),
          {
            ...copy(entry.total),
            installationId: id,
            org: entry.org,
            peakConcurrency: peakOf(id),
            endpoints: copyAll(entry.endpoints),
          },
        ]),
      ),
    }),
    reset() {
      total = emptyCounter();
      endpoints = new Map();
      installations = new Map();
    },
  };
}
