import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import {
  backfillCopilotDays,
  createCopilotBackfillHandler,
  syncCopilotScope,
  syncLatestCopilotReport,
  toCopilotBackfillRequest,
  toBackfillDays,
  type CopilotReportKind,
  type CopilotScopeRef,
} from '../src/index.js';
import {
  createCopilotFixture,
  expectedSamples,
  quietLogger,
  SYNC_OPTIONS,
  type CopilotFixture,
} from './copilot-fixture.js';

const ACME: CopilotScopeRef = { scope: 'org', id: 'acme' };
const ENTERPRISE: CopilotScopeRef = { scope: 'enterprise', id: 'acme-holdings' };
const BOTH: Record<'org' | 'enterprise', CopilotReportKind[]> = {
  org: ['aggregate', 'users'],
  enterprise: ['aggregate', 'users'],
};

describe('Copilot reports against the simulator', () => {
  let fixture: CopilotFixture;
  beforeEach(async () => {
    fixture = await createCopilotFixture();
  });
  afterEach(async () => {
    await fixture.cleanup();
  });

  it.each([
    { breakdowns: true, emitDayLabel: false, userLabelMode: 'login' as const, pullRequests: true },
    {
      breakdowns: false,
      emitDayLabel: true,
      userLabelMode: 'hashed' as const,
      pullRequests: false,
    },
  ])(
    'publishes exactly the ground truth of the aggregate and users reports of org and enterprise (%o)',
    async (variant) => {
      const on = variant.breakdowns;
      const options = {
        breakdowns: { ide: on, feature: on, language: on, model: on },
        emitDayLabel: variant.emitDayLabel,
        userLabelMode: variant.userLabelMode,
        pullRequests: variant.pullRequests,
        reports: BOTH,
      };
      for (const scope of [ACME, ENTERPRISE]) {
        const outcome = await syncCopilotScope(fixture.depsFor(scope, options), scope);
        expect(outcome).toEqual({ published: true, failures: [] });
      }
      const expected = expectedSamples(
        fixture.world,
        { ...options, atMs: Date.now(), salt: SYNC_OPTIONS.userLabelSalt, aggregate: true },
        [ACME, ENTERPRISE],
      );
      const served = await fixture.readSamples();
      expect(served).toEqual(expected);
      const names = new Set([...served.keys()].map((key) => key.split('{')[0]));
      expect(names.has('gh_copilot_usage_pull_requests_total_created')).toBe(variant.pullRequests);
      expect(names.has('gh_copilot_usage_monthly_active_users')).toBe(true);
      expect(served.get('gh_copilot_usage_loc_added_sum{org="acme",scope="org",user="all"}')).toBe(
        variant.emitDayLabel
          ? undefined
          : expected.get('gh_copilot_usage_loc_added_sum{org="acme",scope="org",user="all"}'),
      );
      expect(fixture.simulator.copilot?.counters().withAuthorization).toBe(0);
    },
  );

  it.each([
    { scope: ENTERPRISE, report: 'users' as const },
    { scope: ENTERPRISE, report: 'aggregate' as const },
    { scope: ACME, report: 'aggregate' as const },
  ])(
    'turns a failed download into a day backfill that ends exact (%o)',
    async ({ scope, report }) => {
      const host = fixture.simulator.copilot;
      if (!host) throw new Error('copilot is on');
      const options = { reports: { org: [report], enterprise: [report] } };
      host.failNextDownloads(1);
      const deps = fixture.depsFor(scope, options);
      const target = { ...scope, report };
      const failed = await syncLatestCopilotReport(deps, target);
      if (failed.kind !== 'failed') throw new Error('the download was failed on purpose');
      expect(failed.reason).toBe('copilot_download_failed');
      expect(await fixture.readSamples()).toEqual(new Map());

      const request = toCopilotBackfillRequest(target, failed);
      expect(request.resource).toBe(
        `copilot_${scope.scope}${report === 'aggregate' ? '_aggregate' : ''}`,
      );
      const days = toBackfillDays({ fromMs: request.fromMs, toMs: request.toMs }, Date.now(), 2);
      expect(days).toHaveLength(28);

      const handler = createCopilotBackfillHandler({
        ...deps,
        clientOf: (asked) =>
          asked.scope === scope.scope ? Promise.resolve(fixture.clientFor(asked)) : undefined,
      });
      const outcome = await handler(
        {
          version: 1,
          id: 'copilot-test',
          org: request.org,
          resource: request.resource,
          window: { fromMs: request.fromMs, toMs: request.toMs },
          reason: request.reason,
          attempt: 1,
          firstEnqueuedAtMs: Date.now(),
        },
        { redelivered: false, signal: new AbortController().signal, logger: quietLogger },
      );
      expect(outcome).toEqual({ kind: 'done' });
      const expected = expectedSamples(
        fixture.world,
        {
          atMs: Date.now(),
          breakdowns: SYNC_OPTIONS.breakdowns,
          emitDayLabel: false,
          userLabelMode: 'login',
          users: report === 'users',
          aggregate: report === 'aggregate',
        },
        [scope],
      );
      expect(await fixture.readSamples()).toEqual(expected);
      expect(host.counters().withAuthorization).toBe(0);
    },
  );

  it("keeps a failing report's last complete series while the other report is republished", async () => {
    const host = fixture.simulator.copilot;
    if (!host) throw new Error('copilot is on');
    const deps = fixture.depsFor(ACME, { reports: BOTH });
    expect(await syncCopilotScope(deps, ACME)).toEqual({ published: true, failures: [] });
    const complete = await fixture.readSamples();
    // A day later by the fleet's clock: the aggregate report (read first) fails, so its
    // window moves to days not stored yet; the users report is read as before.
    host.failNextDownloads(1);
    const later = { ...deps, now: () => Date.now() + 86_400_000 };
    const again = await syncCopilotScope(later, ACME);
    expect(again.published).toBe(false);
    expect(again.failures.map(({ target, failure }) => [target.report, failure.reason])).toEqual([
      ['aggregate', 'copilot_download_failed'],
    ]);
    expect(await fixture.readSamples()).toEqual(complete);
  });

  it('downloads an unchanged report again only with refresh_if_report_unchanged', async () => {
    const host = fixture.simulator.copilot;
    if (!host) throw new Error('copilot is on');
    const deps = fixture.depsFor(ACME, { reports: BOTH, refreshUnchanged: false });
    await syncCopilotScope(deps, ACME);
    const expected = await fixture.readSamples();
    const first = host.counters();
    expect(await syncCopilotScope(deps, ACME)).toEqual({ published: true, failures: [] });
    const skipped = host.counters();
    expect(skipped.linksIssued - first.linksIssued).toBe(2);
    expect(skipped.served).toBe(first.served);
    expect(await fixture.readSamples()).toEqual(expected);

    await syncCopilotScope(fixture.depsFor(ACME, { reports: BOTH, refreshUnchanged: true }), ACME);
    const refreshed = host.counters();
    expect(refreshed.linksIssued - skipped.linksIssued).toBe(2);
    expect(refreshed.served - skipped.served).toBe(2 * 3);
    expect(await fixture.readSamples()).toEqual(expected);
  });

  it('asks for the report again when its links expired', async () => {
    const host = fixture.simulator.copilot;
    if (!host) throw new Error('copilot is on');
    host.expireNextReports(1);
    const before = host.counters();
    const outcome = await syncLatestCopilotReport(fixture.depsFor(ACME), {
      ...ACME,
      report: 'users',
    });
    expect(outcome).toEqual({ kind: 'done' });
    const after = host.counters();
    expect(after.linksIssued - before.linksIssued).toBe(2);
    expect(after.expired - before.expired).toBeGreaterThanOrEqual(1);
    expect(after.withAuthorization).toBe(0);
  });

  it('fails a day backfill for a day GitHub does not have, and stores nothing for it', async () => {
    const outcome = await backfillCopilotDays(
      fixture.depsFor(ACME),
      { ...ACME, report: 'aggregate' },
      ['2020-01-01'],
    );
    expect(outcome).toMatchObject({
      kind: 'failed',
      reason: 'copilot_report_rejected',
      permanent: true,
    });
  });
});
