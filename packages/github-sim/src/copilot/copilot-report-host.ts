import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { MINUTE_MS } from '../dataset/sim-time.js';
import { copilotAggregateLinesOf } from './copilot-aggregate-world.js';
import { copilotRecordsOf, type CopilotWorld } from './copilot-world.js';

/** A report the host serves: a scope's users or aggregate report over some days. */
export interface CopilotReportRef {
  readonly scope: 'org' | 'enterprise';
  readonly id: string;
  readonly report: 'users' | 'aggregate';
  readonly days: readonly string[];
}

/** What the download host has seen, for tests. */
export interface CopilotDownloadCounters {
  /** Downloads answered 200. */
  readonly served: number;
  /**
   * Requests that carried an `Authorization` header (refused 403): a client that sends its
   * GitHub token to the signed-URL host leaks it. The product must keep this at 0.
   */
  readonly withAuthorization: number;
  /** Requests for an expired link (refused 403). */
  readonly expired: number;
  /** Requests failed on purpose by {@link CopilotReportHost.failNextDownloads}. */
  readonly failed: number;
  /** Report-link responses served by the API (every scope and report, 28-day and 1-day). */
  readonly linksIssued: number;
}

/**
 * The signed-URL origin of Copilot report files: a listener of its own, as GitHub's links
 * point at a storage host, not at the API. A link is a random token (the "signature") and
 * an expiry; the host refuses a request that carries an `Authorization` header, as a signed
 * storage URL does, and counts it.
 */
export interface CopilotReportHost {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Origin, e.g. `http://127.0.0.1:41235`; throws before `start`. */
  readonly url: string;
  /** Download links for a report, split into `partsPerReport` NDJSON files. */
  issueLinks(report: CopilotReportRef): string[];
  /** The next `count` downloads answer 500 (a storage hiccup). */
  failNextDownloads(count: number): void;
  /** The next `count` reports get links that have already expired. */
  expireNextReports(count: number): void;
  counters(): CopilotDownloadCounters;
}

export interface CopilotReportHostOptions {
  readonly world: CopilotWorld;
  readonly now: () => number;
  readonly host?: string;
  /** Default 3: GitHub splits a report over several files (docs/github-limitations.md). */
  readonly partsPerReport?: number;
  /** How long a link works; default 10 min. */
  readonly linkLifetimeMs?: number;
}

interface IssuedPart {
  readonly report: CopilotReportRef;
  readonly part: number;
  readonly parts: number;
  readonly expiresAtMs: number;
}

export function createCopilotReportHost(options: CopilotReportHostOptions): CopilotReportHost {
  const parts = options.partsPerReport ?? 3;
  const lifetimeMs = options.linkLifetimeMs ?? 10 * MINUTE_MS;
  const issued = new Map<string, IssuedPart>();
  const counts = { served: 0, withAuthorization: 0, expired: 0, failed: 0, linksIssued: 0 };
  let failNext = 0;
  let expireNext = 0;
  let server: Server | undefined;
  let origin: string | undefined;

  const refuse = (response: ServerResponse, status: number, code: string): void => {
    response.writeHead(status, { 'content-type': 'application/xml' });
    response.end(`<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code></Error>`);
  };

  const handle = (request: IncomingMessage, response: ServerResponse): void => {
    if (request.headers.authorization !== undefined) {
      counts.withAuthorization += 1;
      refuse(response, 403, 'AuthenticationFailed');
      return;
    }
    const url = new URL(request.url ?? '/', 'http://host');
    const token = url.searchParams.get('sig') ?? '';
    const part = issued.get(token);
    if (request.method !== 'GET' || !part) {
      refuse(response, 404, 'BlobNotFound');
      return;
    }
    if (part.expiresAtMs <= options.now()) {
      counts.expired += 1;
      refuse(response, 403, 'AuthenticationFailed');
      return;
    }
    if (failNext > 0) {
      failNext -= 1;
      counts.failed += 1;
      refuse(response, 500, 'InternalError');
      return;
    }
    const { scope, id, days } = part.report;
    // Users records go to the part of their user id, so each file holds whole users' days;
    // an aggregate report's days are dealt over the parts.
    const lines =
      part.report.report === 'aggregate'
        ? copilotAggregateLinesOf(options.world, part.report, part.part, part.parts)
        : copilotRecordsOf(options.world, scope, id, days)
            .filter((record) => record.user_id % part.parts === part.part)
            .map((record) => JSON.stringify(record));
    counts.served += 1;
    response.writeHead(200, { 'content-type': 'application/x-ndjson' });
    response.end(lines.length === 0 ? '' : `${lines.join('\n')}\n`);
  };

  return {
    async start() {
      if (server) return;
      const listening = createServer(handle);
      await new Promise<void>((resolve, reject) => {
        listening.once('error', reject);
        listening.listen(0, options.host ?? '127.0.0.1', () => {
          listening.off('error', reject);
          resolve();
        });
      });
      const address = listening.address() as AddressInfo;
      server = listening;
      origin = `http://${address.address}:${address.port}`;
    },
    async stop() {
      const closing = server;
      server = undefined;
      origin = undefined;
      if (!closing) return;
      await new Promise<void>((resolve, reject) => {
        closing.close((error) => {
          if (error) reject(error);
          else resolve();
        });
        closing.closeAllConnections();
      });
    },
    get url(): string {
      if (origin === undefined) throw new Error('the Copilot report host is not started');
      return origin;
    },
    issueLinks(report) {
      counts.linksIssued += 1;
      const base = this.url;
      const nowMs = options.now();
      for (const [token, part] of issued) if (part.expiresAtMs <= nowMs) issued.delete(token);
      const expired = expireNext > 0;
      if (expired) expireNext -= 1;
      const expiresAtMs = expired ? nowMs : nowMs + lifetimeMs;
      return Array.from({ length: parts }, (_, part) => {
        const token = randomBytes(16).toString('hex');
        issued.set(token, { report, part, parts, expiresAtMs });
        const name = `${report.scope}-${report.id}-${report.report}-${report.days[0] ?? ''}-${report.days.length}d-${part}.ndjson`;
        return `${base}/copilot-reports/${name}?se=${new Date(expiresAtMs).toISOString()}&sig=${token}`;
      });
    },
    failNextDownloads(count) {
      failNext = count;
    },
    expireNextReports(count) {
      expireNext = count;
    },
    counters: () => ({ ...counts }),
  };
}
