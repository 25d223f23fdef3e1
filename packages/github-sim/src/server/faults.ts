/**
 * Injected faults. A rule may name an `org` (case-insensitive) and an `endpoint`: a template
 * with or without its method (`GET /repos/{owner}/{repo}/commits` or
 * `/repos/{owner}/{repo}/commits`); an absent one matches everything. Counted rules
 * (`count` next matching requests) are used up in the order they were added.
 */
export interface FaultScope {
  readonly org?: string;
  readonly endpoint?: string;
}

export interface LatencyFault extends FaultScope {
  readonly ms: number;
}

export interface ErrorBurstFault extends FaultScope {
  readonly status: 500 | 502 | 503;
  readonly count: number;
}

export interface SecondaryLimitFault extends FaultScope {
  readonly count: number;
  /** 403 by default, as GitHub sends most often. */
  readonly status?: 403 | 429;
  /** `retry-after` header value; 60 by default. */
  readonly retryAfterSeconds?: number;
}

export interface MalformedFault extends FaultScope {
  readonly count: number;
}

/**
 * Matching requests answer `403 Resource not accessible by integration` until faults are
 * cleared: the App lacks the permission the endpoint needs (e.g. Issues for issue comments).
 */
export type PermissionFault = FaultScope;

/**
 * `POST /graphql` of the org's installation is not served as GitHub.com serves it, until
 * faults are cleared: `not_found` answers `404` (no GraphQL endpoint, as behind a proxy that
 * passes only REST); `undefined_field` refuses every query as a GitHub Enterprise Server
 * whose older schema lacks a field it asks (graphql-ruby's `undefinedField` error).
 */
export interface GraphqlUnsupportedFault {
  /** Absent: every org. */
  readonly org?: string;
  readonly answer: 'not_found' | 'undefined_field';
}

export interface OutageFault {
  /** Absent: every org, and the endpoints of no org (`/meta`, `/rate_limit`). */
  readonly org?: string;
}

/** Every fault in force, with what is left of the counted ones. */
export interface FaultsSnapshot {
  readonly latency: readonly LatencyFault[];
  readonly errors: readonly ErrorBurstFault[];
  readonly secondaryLimits: readonly SecondaryLimitFault[];
  readonly malformed: readonly MalformedFault[];
  readonly outages: readonly OutageFault[];
  readonly permissionsDenied: readonly PermissionFault[];
  readonly graphqlUnsupported: readonly GraphqlUnsupportedFault[];
}

/** What the faults say about one request. */
export interface RequestTarget {
  readonly org: string | undefined;
  /** `GET /repos/{owner}/{repo}/commits` */
  readonly endpointKey: string;
  /** `/repos/{owner}/{repo}/commits` */
  readonly template: string;
}

export interface FaultStore {
  addLatency(fault: LatencyFault): void;
  addErrorBurst(fault: ErrorBurstFault): void;
  addSecondaryLimit(fault: SecondaryLimitFault): void;
  addMalformed(fault: MalformedFault): void;
  startOutage(fault: OutageFault): void;
  denyPermission(fault: PermissionFault): void;
  refuseGraphql(fault: GraphqlUnsupportedFault): void;
  clear(): void;
  snapshot(): FaultsSnapshot;
  latencyMs(target: RequestTarget): number;
  isOutage(target: RequestTarget): boolean;
  isPermissionDenied(target: RequestTarget): boolean;
  /** The first `GraphqlUnsupportedFault` of the target's org. */
  graphqlUnsupported(target: RequestTarget): GraphqlUnsupportedFault | undefined;
  takeErrorBurst(target: RequestTarget): ErrorBurstFault | undefined;
  takeSecondaryLimit(target: RequestTarget): SecondaryLimitFault | undefined;
  takeMalformed(target: RequestTarget): boolean;
}

function matches(scope: FaultScope, target: RequestTarget): boolean {
  if (scope.org !== undefined && scope.org.toLowerCase() !== target.org?.toLowerCase()) {
    return false;
  }
  if (scope.endpoint === undefined) return true;
  return scope.endpoint === target.endpointKey || scope.endpoint === target.template;
}

interface Counted {
  count: number;
}

function take<T extends FaultScope & Counted>(rules: T[], target: RequestTarget): T | undefined {
  const index = rules.findIndex((rule) => rule.count > 0 && matches(rule, target));
  if (index < 0) return undefined;
  const rule = rules[index];
  if (!rule) return undefined;
  const left = { ...rule, count: rule.count - 1 };
  if (left.count === 0) rules.splice(index, 1);
  else rules[index] = left;
  return rule;
}

export function createFaultStore(): FaultStore {
  let latency: LatencyFault[] = [];
  let errors: ErrorBurstFault[] = [];
  let secondaryLimits: SecondaryLimitFault[] = [];
  let malformed: MalformedFault[] = [];
  let outages: OutageFault[] = [];
  let permissionsDenied: PermissionFault[] = [];
  let graphqlUnsupported: GraphqlUnsupportedFault[] = [];
  return {
    addLatency: (fault) => latency.push(fault),
    addErrorBurst: (fault) => errors.push(fault),
    addSecondaryLimit: (fault) => secondaryLimits.push(fault),
    addMalformed: (fault) => malformed.push(fault),
    startOutage: (fault) => outages.push(fault),
    denyPermission: (fault) => permissionsDenied.push(fault),
    refuseGraphql: (fault) => graphqlUnsupported.push(fault),
    clear() {
      latency = [];
      errors = [];
      secondaryLimits = [];
      malformed = [];
      outages = [];
      permissionsDenied = [];
      graphqlUnsupported = [];
    },
    snapshot: () => ({
      latency: [...latency],
      errors: [...errors],
      secondaryLimits: [...secondaryLimits],
      malformed: [...malformed],
      outages: [...outages],
      permissionsDenied: [...permissionsDenied],
      graphqlUnsupported: [...graphqlUnsupported],
    }),
    // Overlapping latency rules do not add up: the slowest one wins.
    latencyMs: (target) =>
      latency.reduce(
        (slowest, rule) => (matches(rule, target) ? Math.max(slowest, rule.ms) : slowest),
        0,
      ),
    isOutage: (target) => outages.some((outage) => matches(outage, target)),
    isPermissionDenied: (target) => permissionsDenied.some((rule) => matches(rule, target)),
    graphqlUnsupported: (target) => graphqlUnsupported.find((rule) => matches(rule, target)),
    takeErrorBurst: (target) => take(errors, target),
    takeSecondaryLimit: (target) => take(secondaryLimits, target),
    takeMalformed: (target) => take(malformed, target) !== undefined,
  };
}
