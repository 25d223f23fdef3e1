import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import {
  backfillCopilotDays,
  createCopilotBackfillHandler,
  syncLatestCopilotReport,
  toCopilotBackfillRequest,
  toBackfillDays,
  type CopilotTarget,
} from '../src/index.js';
import {
  createCopilotFixture,
  expectedSamples,
  quietLogger,
  SYNC_OPTIONS,
  type CopilotFixture,
} from './copilot-fixture.js';

const ACME: CopilotTarget = { scope: 'org', id: 'acme' };
const ENTERPRISE: CopilotTarget = { scope: 'enterprise', id: 'acme-holdings' };

describe('Copilot reports against the simulator', () => {
  let fixture: CopilotFixture;
  beforeEach(async () => {
    fixture = await createCopilotFixture();
  });
  afterEach(async () => {
    await fixture.cleanup();
  });

  it.each([
    { breakdowns: true, emitDayLabel: false, userLabelMode: 'login' as const },
    { breakdowns: false, emitDayLabel: true, userLabelMode: 'hashed' as const },
  ])('publishes exactly the ground truth of org and enterprise scopes (%o)', async (variant) => {
    const on = variant.breakdowns;
    const options = {
      breakdowns: { ide: on, feature: on, language: on, model: on },
      emitDayLabel: variant.emitDayLabel,
      userLabelMode: variant.userLabelMode,
    };
    for (const target of [ACME, ENTERPRISE]) {
      const outcome = await syncLatestCopilotReport(fixture.depsFor(target, options), target);
      expect(outcome).toEqual({ kind: 'done', published: true });
    }
    const expected = expectedSamples(
      fixture.world,
      { ...options, atMs: Date.now(), salt: SYNC_OPTIONS.userLabelSalt },
      [ACME, ENTERPRISE],
    );
    expect(expected.size).toBeGreaterThan(50);
    expect(await fixture.readSamples()).toEqual(expected);
    expect(fixture.simulator.copilot?.counters().withAuthorization).toBe(0);
  });

  it('turns a failed download into a day backfill that ends exact', async () => {
    const host = fixture.simulator.copilot;
    if (!host) throw new Error('copilot is on');
    host.failNextDownloads(1);
    const deps = fixture.depsFor(ENTERPRISE);
    const failed = await syncLatestCopilotReport(deps, ENTERPRISE);
    if (failed.kind !== 'failed') throw new Error('the download was failed on purpose');
    expect(failed.reason).toBe('copilot_download_failed');
    expect(await fixture.readSamples()).toEqual(new Map());

    const request = toCopilotBackfillRequest(ENTERPRISE, failed);
    expect(request.resource).toBe('copilot_enterprise');
    const days = toBackfillDays({ fromMs: request.fromMs, toMs: request.toMs }, Date.now(), 2);
    expect(days).toHaveLength(28);

    const handler = createCopilotBackfillHandler({
      ...deps,
      clientOf: (target) =>
        target.scope === 'enterprise' ? Promise.resolve(fixture.clientFor(target)) : undefined,
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
      },
      [ENTERPRISE],
    );
    expect(await fixture.readSamples()).toEqual(expected);
    expect(host.counters().withAuthorization).toBe(0);
  });

  it('asks for the report again when its links expired', async () => {
    const host = fixture.simulator.copilot;
    if (!host) throw new Error('copilot is on');
    host.expireNextReports(1);
    const before = host.counters();
    const outcome = await syncLatestCopilotReport(fixture.depsFor(ACME), ACME);
    expect(outcome).toEqual({ kind: 'done', published: true });
    const after = host.counters();
    expect(after.linksIssued - before.linksIssued).toBe(2);
    expect(after.expired - before.expired).toBeGreaterThanOrEqual(1);
    expect(after.withAuthorization).toBe(0);
  });

  it('fails a day backfill for a day GitHub does not have, and stores nothing for it', async () => {
    const outcome = await backfillCopilotDays(fixture.depsFor(ACME), ACME, ['2020-01-01']);
    expect(outcome).toMatchObject({
      kind: 'failed',
      reason: 'copilot_report_rejected',
      permanent: true,
    });
  });
});
