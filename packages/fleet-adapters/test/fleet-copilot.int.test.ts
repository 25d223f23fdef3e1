import type { CopilotConfig } from '@gse/config';
import type { BackfillMessage } from '@gse/queues';
import { createFleetTelemetry } from '@gse/telemetry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  createCopilotFleetBackfillHandler,
  toCopilotFleetOptions,
  toCopilotScopes,
} from '../src/index.js';
import {
  createAdaptersFixture,
  quietLogger as logger,
  type AdaptersFixture,
} from './adapters-fixture.js';

const COPILOT: CopilotConfig = {
  enabled: true,
  scrapeIntervalMs: 3_600_000,
  requestTimeoutMs: 5_000,
  downloadTimeoutMs: 5_000,
  orgReports: ['aggregate'],
  pullRequests: true,
  refreshUnchanged: false,
  breakdowns: { ide: false, feature: false, language: false, model: false },
  userLabelMode: 'login',
  userLabelSalt: '',
  emitDayLabel: false,
  maxRecordsPerReport: 0,
  maxUsersPerReport: 0,
  enterprise: undefined,
};

const DAY_MS = 86_400_000;

describe('the fleet wiring of Copilot reports', () => {
  let fixture: AdaptersFixture;

  beforeAll(async () => {
    fixture = await createAdaptersFixture({ copilot: true });
  });

  afterAll(async () => {
    await fixture.cleanup();
  });

  const optionsOf = (copilot: CopilotConfig) =>
    toCopilotFleetOptions(
      {
        copilot,
        // github.request_timeout is long: only copilot.request_timeout can cut the request.
        github: {
          orgs: [fixture.acme],
          apiBaseUrl: fixture.simulator.url,
          requestTimeoutMs: 60_000,
        },
        rateLimit: {
          minRemainingThreshold: 0,
          minResetBufferMs: 0,
          secondaryLimitBackoffMs: 100,
          maxConcurrentRequestsPerInstallation: 2,
          restPointsPerMinute: 800,
          graphqlPointsPerMinute: 1800,
          scheduledPointsReserve: 0.25,
        },
        retry: { maxAttempts: 1, initialBackoffMs: 10, maxBackoffMs: 20, jitter: true },
        store: { keyPrefix: fixture.redis.keyPrefix },
      },
      {
        redis: fixture.redis.redis,
        telemetry: createFleetTelemetry({
          redis: fixture.redis.redis,
          keyOf: (name) => `${fixture.redis.keyPrefix}:telemetry:${name}`,
          logger,
        }),
        logger,
        signal: fixture.signal,
      },
    );

  /** A backfill of the aggregate report's day three days ago (outside the two-day lag). */
  const backfill = (copilot: CopilotConfig) => {
    const dayMs = (Math.floor(Date.now() / DAY_MS) - 3) * DAY_MS;
    const message: BackfillMessage = {
      version: 1,
      id: 'copilot-timeout',
      org: 'acme',
      resource: 'copilot_org_aggregate',
      window: { fromMs: dayMs, toMs: dayMs + DAY_MS },
      reason: 'copilot_download_failed',
      attempt: 1,
      firstEnqueuedAtMs: Date.now(),
    };
    return createCopilotFleetBackfillHandler(optionsOf(copilot))(message, {
      redelivered: false,
      signal: new AbortController().signal,
      logger,
    });
  };

  it('reads every org for the default aggregate report, nothing while off', () => {
    expect(toCopilotScopes(optionsOf(COPILOT))).toEqual([{ scope: 'org', id: 'acme' }]);
    expect(toCopilotScopes(optionsOf({ ...COPILOT, orgReports: [] }))).toEqual([]);
    expect(toCopilotScopes(optionsOf({ ...COPILOT, enabled: false }))).toEqual([]);
  });

  it('bounds the report-link requests with copilot.request_timeout', async () => {
    fixture.simulator.injectLatency({
      ms: 1_500,
      endpoint: 'GET /orgs/{org}/copilot/metrics/reports/organization-1-day',
    });
    try {
      const startedMs = Date.now();
      const outcome = await backfill({ ...COPILOT, requestTimeoutMs: 200 });
      expect(outcome).toMatchObject({ kind: 'failed', reason: 'copilot_report_unavailable' });
      expect(Date.now() - startedMs).toBeLessThan(1_500);
      expect(await backfill({ ...COPILOT, requestTimeoutMs: 5_000 })).toEqual({ kind: 'done' });
    } finally {
      fixture.simulator.clearFaults();
    }
  });
});
