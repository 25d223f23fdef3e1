import type {
  ErrorBurstFault,
  FaultScope,
  GraphqlUnsupportedFault,
  LatencyFault,
  MalformedFault,
  OutageFault,
  PermissionFault,
  SecondaryLimitFault,
} from './faults.js';

/** A control request the simulator refuses; the HTTP control API answers it with 400. */
export class ControlInputError extends Error {
  override readonly name = 'ControlInputError';
}

/** A JSON object whose keys are checked against the ones a control call accepts. */
export type ControlBody = Readonly<Record<string, unknown>>;

/** The body as an object with only `allowed` keys (an absent body reads as `{}`). */
export function readBody(value: unknown, allowed: readonly string[]): ControlBody {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new ControlInputError('the body must be a JSON object');
  }
  const unknownKeys = Object.keys(value).filter((key) => !allowed.includes(key));
  if (unknownKeys.length > 0) {
    throw new ControlInputError(
      `unknown field(s) ${unknownKeys.join(', ')}; allowed: ${allowed.join(', ') || 'none'}`,
    );
  }
  return value as ControlBody;
}

export function readInteger(
  body: ControlBody,
  key: string,
  bounds: { readonly min: number; readonly max?: number },
): number | undefined {
  const value = body[key];
  if (value === undefined) return undefined;
  const max = bounds.max ?? Number.MAX_SAFE_INTEGER;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < bounds.min || value > max) {
    throw new ControlInputError(
      `${key} must be an integer from ${bounds.min} to ${max}; got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

export function requireInteger(
  body: ControlBody,
  key: string,
  bounds: { readonly min: number; readonly max?: number },
): number {
  const value = readInteger(body, key, bounds);
  if (value === undefined) throw new ControlInputError(`${key} is required`);
  return value;
}

export function readString(body: ControlBody, key: string): string | undefined {
  const value = body[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0) {
    throw new ControlInputError(`${key} must be a non-empty string; got ${JSON.stringify(value)}`);
  }
  return value;
}

export function requireString(body: ControlBody, key: string): string {
  const value = readString(body, key);
  if (value === undefined) throw new ControlInputError(`${key} is required`);
  return value;
}

export function readBoolean(body: ControlBody, key: string): boolean | undefined {
  const value = body[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw new ControlInputError(`${key} must be true or false`);
  return value;
}

export function readOneOf<T extends string | number>(
  body: ControlBody,
  key: string,
  allowed: readonly T[],
): T | undefined {
  const value = body[key];
  if (value === undefined) return undefined;
  const found = allowed.find((candidate) => candidate === value);
  if (found === undefined) {
    throw new ControlInputError(
      `${key} must be one of ${allowed.join(', ')}; got ${JSON.stringify(value)}`,
    );
  }
  return found;
}

/**
 * Validates fault inputs, whether they arrive over HTTP or in-process: an `endpoint` must be
 * one the simulator serves (a typo would otherwise inject nothing and pass silently).
 */
export function createFaultParser(endpointKeys: readonly string[]): {
  latency(value: unknown): LatencyFault;
  errors(value: unknown): ErrorBurstFault;
  secondaryLimit(value: unknown): SecondaryLimitFault;
  malformed(value: unknown): MalformedFault;
  outage(value: unknown): OutageFault;
  permission(value: unknown): PermissionFault;
  graphqlUnsupported(value: unknown): GraphqlUnsupportedFault;
} {
  const templates = endpointKeys.map((key) => key.slice(key.indexOf(' ') + 1));
  const scope = (body: ControlBody): FaultScope => {
    const org = readString(body, 'org');
    const endpoint = readString(body, 'endpoint');
    if (
      endpoint !== undefined &&
      !endpointKeys.includes(endpoint) &&
      !templates.includes(endpoint)
    ) {
      throw new ControlInputError(
        `endpoint ${endpoint} is not served by the simulator; use one of: ${endpointKeys.join(', ')}`,
      );
    }
    return {
      ...(org === undefined ? {} : { org }),
      ...(endpoint === undefined ? {} : { endpoint }),
    };
  };
  const scopeKeys = ['org', 'endpoint'];
  return {
    latency(value) {
      const body = readBody(value, ['ms', ...scopeKeys]);
      return { ...scope(body), ms: requireInteger(body, 'ms', { min: 0, max: 600_000 }) };
    },
    errors(value) {
      const body = readBody(value, ['status', 'count', ...scopeKeys]);
      const status = readOneOf(body, 'status', [500, 502, 503] as const);
      if (status === undefined) throw new ControlInputError('status is required (500, 502 or 503)');
      return { ...scope(body), status, count: requireInteger(body, 'count', { min: 1 }) };
    },
    secondaryLimit(value) {
      const body = readBody(value, ['count', 'status', 'retryAfterSeconds', ...scopeKeys]);
      const status = readOneOf(body, 'status', [403, 429] as const);
      const retryAfterSeconds = readInteger(body, 'retryAfterSeconds', { min: 0, max: 3600 });
      return {
        ...scope(body),
        count: requireInteger(body, 'count', { min: 1 }),
        ...(status === undefined ? {} : { status }),
        ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
      };
    },
    malformed(value) {
      const body = readBody(value, ['count', ...scopeKeys]);
      return { ...scope(body), count: requireInteger(body, 'count', { min: 1 }) };
    },
    permission(value) {
      return scope(readBody(value, scopeKeys));
    },
    outage(value) {
      const body = readBody(value, ['org']);
      const org = readString(body, 'org');
      return org === undefined ? {} : { org };
    },
    graphqlUnsupported(value) {
      const body = readBody(value, ['answer', 'org']);
      const answer = readOneOf(body, 'answer', ['not_found', 'undefined_field'] as const);
      if (answer === undefined) {
        throw new ControlInputError('answer is required (not_found or undefined_field)');
      }
      const org = readString(body, 'org');
      return { ...(org === undefined ? {} : { org }), answer };
    },
  };
}
