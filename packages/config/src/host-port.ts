import { isIPv6 } from 'node:net';

/** A TCP address from the config, e.g. `0.0.0.0:9101` → `{ host: '0.0.0.0', port: 9101 }`. */
export interface HostPort {
  readonly host: string;
  /** 0–65535; 0 asks the OS for a free port (useful in tests). */
  readonly port: number;
}

/** What an address may look like; used in error messages and the generated docs. */
export const HOST_PORT_SYNTAX =
  'host:port with port 0-65535, e.g. 0.0.0.0:9101, redis:6379, [::1]:8080 or :8080 (all interfaces)';

const HOSTNAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/;

/**
 * Reads `host:port`. An empty host (`:8080`, the Go exporter's style) means all IPv4
 * interfaces, `0.0.0.0`; IPv6 hosts go in brackets (`[::1]:8080`) and come back without them.
 * Returns `undefined` when the text is not an address.
 */
export function tryParseHostPort(value: unknown): HostPort | undefined {
  if (typeof value !== 'string') return undefined;
  const separator = value.lastIndexOf(':');
  if (separator < 0) return undefined;
  const rawHost = value.slice(0, separator);
  const rawPort = value.slice(separator + 1);
  if (!/^\d{1,5}$/.test(rawPort)) return undefined;
  const port = Number(rawPort);
  if (port > 65_535) return undefined;
  if (rawHost === '') return { host: '0.0.0.0', port };
  if (rawHost.startsWith('[') && rawHost.endsWith(']')) {
    const host = rawHost.slice(1, -1);
    return isIPv6(host) ? { host, port } : undefined;
  }
  return HOSTNAME.test(rawHost) ? { host: rawHost, port } : undefined;
}

/** Reads `host:port` (see {@link tryParseHostPort}); throws an `Error` when it is not one. */
export function parseHostPort(value: unknown): HostPort {
  const parsed = tryParseHostPort(value);
  if (parsed === undefined) throw new Error(`invalid address: must be ${HOST_PORT_SYNTAX}`);
  return parsed;
}
