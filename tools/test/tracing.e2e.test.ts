import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { type SpawnedService, waitFor } from '@gse/testing';
import { afterEach, describe, expect, it } from 'vitest';

import {
  createFleetFixture,
  mergeInput,
  type ConfigInput,
  type FleetFixture,
} from './fleet-fixture.js';
import {
  type OtlpReceiver,
  type ReceivedSpan,
  startOtlpReceiver,
  STATUS_ERROR,
} from './otlp-receiver.js';

const BEARER_TOKEN = 'metrics-bearer-secret-7c1e0b5d';
const PULLS = 'GET /repos/{owner}/{repo}/pulls';
/** The org cycle's discovery: GraphQL change detection (`github.change_detection`). */
const DISCOVERY_PATH = '/graphql';
const DISCOVERY = `POST ${DISCOVERY_PATH}`;

let fleet: FleetFixture | undefined;
let receiver: OtlpReceiver | undefined;

afterEach(async () => {
  await fleet?.cleanup();
  await receiver?.close();
  fleet = undefined;
  receiver = undefined;
});

async function startFleet(
  telemetry: ConfigInput,
  options: { orgs?: Readonly<Record<string, ConfigInput>>; config?: ConfigInput } = {},
): Promise<{ fleet: FleetFixture; receiver: OtlpReceiver }> {
  receiver = await startOtlpReceiver();
  fleet = await createFleetFixture({
    // Two small repos; one cycle (the slot under way is scheduled at once, the next in 1 h).
    orgs: options.orgs ?? { acme: { repo_allowlist: ['docs', 'sandbox'] } },
    config: mergeInput(
      {
        telemetry: { otel_enabled: true, otel_exporter_otlp_endpoint: receiver.url, ...telemetry },
        server: { auth: { bearer_token: BEARER_TOKEN } },
        retry: { max_attempts: 1 },
      },
      options.config ?? {},
    ),
  });
  return { fleet, receiver };
}

const one = (spans: readonly ReceivedSpan[], where: (span: ReceivedSpan) => boolean) => {
  const found = spans.filter(where);
  expect(found).toHaveLength(1);
  return found[0] as ReceivedSpan;
};

/** Stops each service with SIGTERM and waits for its exit: its spans are flushed by then. */
async function stopAll(services: readonly SpawnedService[]): Promise<void> {
  for (const service of services) service.kill('SIGTERM');
  for (const service of services) expect((await service.exited(20_000)).code).toBe(0);
}

/** Every value the collector received: resource and span attributes, event attributes. */
function everyValue(spans: readonly ReceivedSpan[]): string[] {
  return spans.flatMap((span) => [
    ...Object.values(span.resource),
    ...Object.values(span.attributes),
    ...span.eventValues,
    span.name,
  ]);
}

describe('OpenTelemetry tracing of the fleet (real processes, an in-test OTLP/HTTP receiver)', () => {
  it('exports one trace over OTLP/protobuf that crosses scheduler → scraper-worker → backfill-worker, with no secret in any attribute', async () => {
    const { fleet, receiver } = await startFleet(
      { otel_trace_mode: 'sampled', otel_trace_sample_ratio: 1 },
      {
        // Two cycles, 2 s apart: the first fails (one attempt per job), the second scrapes.
        orgs: { acme: { repo_allowlist: ['docs', 'sandbox'], scrape_interval: '2s' } },
        config: { bullmq: { job_attempts: 1 } },
      },
    );
    // The first cycle's repo discovery fails: its org job hands the cycle's window to
    // backfill, and the backfill worker splits it per repo and reads each.
    fleet.simulator.injectErrors({ org: 'acme', endpoint: DISCOVERY, status: 503, count: 1 });
    const services = [
      fleet.spawn('scheduler'),
      fleet.spawn('scraper-worker'),
      fleet.spawn('backfill-worker'),
    ];
    const [, scraper] = services as [SpawnedService, SpawnedService, SpawnedService];
    await waitFor(
      () => {
        const names = receiver.spans().map((span) => span.name);
        return (
          names.filter((name) => name === 'backfill message').length >= 3 &&
          names.filter((name) => name === 'repo-scrapes job').length >= 2
        );
      },
      { timeoutMs: 45_000, description: 'the split backfill and a scraped cycle exported' },
    );
    await stopAll(services);
    const spans = receiver.spans();

    // The failed cycle: one trace from the scheduler through the backfill worker.
    const failedOrgJob = one(
      spans,
      (span) => span.name === 'org-scrapes job' && span.statusCode === STATUS_ERROR,
    );
    const failed = spans.filter((span) => span.traceId === failedOrgJob.traceId);
    const schedule = one(failed, (span) => span.name === 'org cycle schedule');
    expect([schedule.service, schedule.parentSpanId]).toEqual(['scheduler', '']);
    expect(schedule.attributes['gse.org']).toBe('acme');
    expect([failedOrgJob.service, failedOrgJob.parentSpanId]).toEqual([
      'scraper-worker',
      schedule.spanId,
    ]);
    const discovery = one(
      failed,
      (span) => span.name === `GitHub ${DISCOVERY}` && span.parentSpanId === failedOrgJob.spanId,
    );
    expect(discovery.statusCode).toBe(STATUS_ERROR);
    expect(discovery.attributes['http.response.status_code']).toBe('503');
    const outboxWrite = one(failed, (span) => span.name === 'backfill outbox write');
    expect(outboxWrite.parentSpanId).toBe(failedOrgJob.spanId);
    const orgWindow = one(
      failed,
      (span) => span.name === 'backfill message' && span.parentSpanId === outboxWrite.spanId,
    );
    expect(orgWindow.service).toBe('backfill-worker');
    expect(orgWindow.attributes).toMatchObject({
      'gse.org': 'acme',
      'gse.backfill.resource': 'all',
      'gse.backfill.reason': 'github_unavailable',
    });
    const repoWindows = failed.filter(
      (span) => span.name === 'backfill message' && span.parentSpanId === orgWindow.spanId,
    );
    expect(repoWindows.map((span) => span.attributes['gse.repo']).sort()).toEqual([
      'docs',
      'sandbox',
    ]);
    // The publish of the outbox carries windows of many traces: a link, not a parent.
    const publish = spans.find(
      (span) =>
        span.name === 'backfill outbox publish' &&
        span.links.some((link) => link.spanId === outboxWrite.spanId),
    );
    expect(publish?.links).toContainEqual({
      traceId: failed[0]?.traceId,
      spanId: outboxWrite.spanId,
    });

    // A scraped cycle: schedule → org job → repo jobs → GitHub requests and ledger writes.
    const repoJob = spans.find(
      (span) => span.name === 'repo-scrapes job' && span.attributes['gse.repo'] === 'docs',
    );
    if (!repoJob) throw new Error('no repo job of docs exported');
    const cycle = spans.filter((span) => span.traceId === repoJob.traceId);
    const orgJob = one(cycle, (span) => span.name === 'org-scrapes job');
    expect([orgJob.statusCode, repoJob.parentSpanId]).toEqual([0, orgJob.spanId]);
    expect(one(cycle, (span) => span.name === 'org cycle schedule').spanId).toBe(
      orgJob.parentSpanId,
    );
    // Pull requests may take several pages: each page is a request span of its own.
    const [pulls] = cycle.filter(
      (span) => span.name === `GitHub ${PULLS}` && span.parentSpanId === repoJob.spanId,
    );
    expect(pulls?.attributes).toMatchObject({
      'http.request.method': 'GET',
      'url.template': '/repos/{owner}/{repo}/pulls',
      'http.response.status_code': '200',
      'gse.github.counted': 'true',
      'gse.github.not_modified': 'false',
    });
    expect(Number(pulls?.attributes['gse.github.rate_limit_remaining'])).toBeGreaterThan(0);
    expect(
      cycle.some(
        (span) => span.name === 'ledger record events' && span.parentSpanId === repoJob.spanId,
      ),
    ).toBe(true);
    // `sampled` records no Redis or AMQP call spans: those are `detailed`.
    expect(spans.filter((span) => span.scope === '@gse/fleet/detail')).toEqual([]);
    // The repo job's log line carries its trace and span ids.
    const scraped = scraper
      .lines()
      .find((line) => line['message'] === 'repo scraped' && line['repo'] === 'docs');
    expect(scraped?.['traceId']).toBe(repoJob.traceId);
    expect(scraped?.['spanId']).toBe(repoJob.spanId);

    // Each process names itself; each replica its own instance id.
    const resources = new Map(spans.map((span) => [span.service, span.resource]));
    expect([...resources.keys()].sort()).toEqual([
      'backfill-worker',
      'scheduler',
      'scraper-worker',
    ]);
    for (const [service, resource] of resources) {
      const manifest = JSON.parse(
        await readFile(new URL(`../../services/${service}/package.json`, import.meta.url), 'utf8'),
      ) as { version: string };
      expect(resource['service.version']).toBe(manifest.version);
      expect(resource['service.instance.id']).toMatch(/^[0-9a-f-]{36}$/);
    }
    expect(new Set([...resources.values()].map((r) => r['service.instance.id'])).size).toBe(3);
    expect(new Set(receiver.contentTypes())).toEqual(new Set(['application/x-protobuf']));

    // No secret in any attribute: installation tokens, the App keys, the bearer token, the
    // AMQP credentials.
    const keyLines = await readAppKeyLines(fleet.simulator);
    for (const value of everyValue(spans)) {
      expect(value).not.toMatch(/ghs_[A-Za-z0-9]{36}/);
      expect(value).not.toMatch(/PRIVATE KEY|authorization|guest:guest/i);
      expect(value).not.toContain(BEARER_TOKEN);
      for (const line of keyLines) expect(value).not.toContain(line);
    }
  }, 90_000);

  it('in errors mode with a ratio of 0 keeps the trace of a failed GitHub request and drops every trace without an error', async () => {
    const { fleet, receiver } = await startFleet({
      otel_trace_mode: 'errors',
      otel_trace_sample_ratio: 0,
    });
    fleet.simulator.injectErrors({ org: 'acme', endpoint: PULLS, status: 502, count: 1 });
    const services = [fleet.spawn('scheduler'), fleet.spawn('scraper-worker')];
    const [, scraper] = services as [SpawnedService, SpawnedService];
    await waitFor(
      () => scraper.lines().filter((line) => line['message'] === 'repo scraped').length === 2,
      { timeoutMs: 60_000, description: 'both repos of the cycle scraped' },
    );
    // Stopping flushes what is buffered: no wait for the batch processor's timer.
    await stopAll(services);
    const spans = receiver.spans();
    const failed = one(spans, (span) => span.name === `GitHub ${PULLS}` && span.statusCode !== 0);
    expect([failed.statusCode, failed.attributes['http.response.status_code']]).toEqual([
      STATUS_ERROR,
      '502',
    ]);
    const repoJob = one(spans, (span) => span.name === 'repo-scrapes job');
    expect([repoJob.statusCode, repoJob.spanId]).toEqual([STATUS_ERROR, failed.parentSpanId]);
    // Only that repo job's part of the trace: the scheduler's and the org job's parts, and
    // the other repo's job, had no error and the ratio keeps none.
    expect(new Set(spans.map((span) => span.traceId))).toEqual(new Set([repoJob.traceId]));
    expect(spans.filter((span) => span.service !== 'scraper-worker')).toEqual([]);
    expect(spans.filter((span) => span.name === 'org-scrapes job')).toEqual([]);
    expect(spans.every((span) => span.resource['service.name'] === 'scraper-worker')).toBe(true);
  }, 60_000);
});

/** The base64 lines of the App's private key (acme's), to search for. */
async function readAppKeyLines(simulator: FleetFixture['simulator']): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), 'gse-tracing-keys-'));
  try {
    const [key] = (await simulator.writeKeys(dir)).filter((entry) => entry.org === 'acme');
    const pem = await readFile(key?.privateKeyPath ?? '', 'utf8');
    return pem.split('\n').filter((line) => line.length > 20 && !line.startsWith('-----'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
