import { App, RequestError, type Octokit } from 'octokit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  copilotGroundTruth,
  copilotRecordsOf,
  createCopilotWorld,
  generateAppKeyPair,
  latestReportDay,
  reportDays,
  STANDARD_COPILOT_ENTERPRISE,
  toCopilotDay,
  type CopilotUserRecord,
  type CopilotWorld,
  type GitHubSimulator,
} from '../src/index.js';
import {
  installationOctokit,
  plainOctokitClass,
  standardDataset,
  startSimulator,
} from './sim-fixture.js';

const DAY_MS = 86_400_000;

interface LinkBody {
  download_links: string[];
  report_start_day?: string;
  report_end_day?: string;
  report_day?: string;
}

async function download(link: string): Promise<CopilotUserRecord[]> {
  const response = await fetch(link);
  expect(response.status).toBe(200);
  const text = await response.text();
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as CopilotUserRecord);
}

describe('Copilot usage report endpoints', () => {
  let simulator: GitHubSimulator;
  let world: CopilotWorld;
  let acme: Octokit;

  beforeAll(async () => {
    const dataset = standardDataset();
    world = createCopilotWorld(dataset, {
      seed: 42,
      orgs: ['acme', 'globex'],
      enterprise: STANDARD_COPILOT_ENTERPRISE,
    });
    simulator = await startSimulator({
      dataset,
      copilot: {
        world,
        enterpriseKeyPair: generateAppKeyPair(STANDARD_COPILOT_ENTERPRISE.appId),
      },
    });
    acme = await installationOctokit(simulator, 'acme');
  });
  afterAll(async () => {
    await simulator.stop();
  });

  it('serves the latest 28-day report as several links on another origin, without a token', async () => {
    const { data } = await acme.request(
      'GET /orgs/{org}/copilot/metrics/reports/users-28-day/latest',
      { org: 'acme' },
    );
    const body = data as LinkBody;
    const endDay = latestReportDay(world, Date.now());
    expect(endDay).toBe(toCopilotDay(Math.floor(Date.now() / DAY_MS) * DAY_MS - 2 * DAY_MS));
    expect(body.report_end_day).toBe(endDay);
    expect(body.report_start_day).toBe(reportDays(endDay)[0]);
    expect(body.download_links).toHaveLength(3);
    for (const link of body.download_links) {
      expect(new URL(link).origin).toBe(simulator.copilot?.url);
      expect(new URL(link).origin).not.toBe(simulator.url);
    }
    const records = (await Promise.all(body.download_links.map(download))).flat();
    const expected = copilotRecordsOf(world, 'org', 'acme', reportDays(endDay));
    const byKey = (record: CopilotUserRecord) => `${record.day}/${record.user_id}`;
    expect(records.map(byKey).sort()).toEqual(expected.map(byKey).sort());
    // One record per user per day, several days per user, nested breakdowns.
    const days = new Map<number, number>();
    for (const record of records) days.set(record.user_id, (days.get(record.user_id) ?? 0) + 1);
    expect([...days.values()].some((count) => count > 1)).toBe(true);
    expect(Array.isArray(records[0]?.['totals_by_ide'])).toBe(true);
    expect(simulator.copilot?.counters().withAuthorization).toBe(0);
  });

  it('refuses and counts a download carrying an Authorization header', async () => {
    const { data } = await acme.request(
      'GET /orgs/{org}/copilot/metrics/reports/users-28-day/latest',
      { org: 'acme' },
    );
    const [link] = (data as LinkBody).download_links;
    const before = simulator.copilot?.counters().withAuthorization ?? 0;
    const response = await fetch(link ?? '', { headers: { authorization: 'token ghs_x' } });
    expect(response.status).toBe(403);
    expect(simulator.copilot?.counters().withAuthorization).toBe(before + 1);
  });

  it('answers 1-day reports by day=, 404 inside the lag, 422 without day', async () => {
    const latest = latestReportDay(world, Date.now());
    const { data } = await acme.request('GET /orgs/{org}/copilot/metrics/reports/users-1-day', {
      org: 'acme',
      day: latest,
    });
    const body = data as LinkBody;
    expect(body.report_day).toBe(latest);
    const records = (await Promise.all(body.download_links.map(download))).flat();
    expect(records.length).toBe(copilotRecordsOf(world, 'org', 'acme', [latest]).length);
    expect(records.every((record) => record.day === latest)).toBe(true);

    // A plain string route: octokit's types require `day`, and this asks without it.
    const oneDayRoute: string = 'GET /orgs/{org}/copilot/metrics/reports/users-1-day';
    const statusOf = (query: Record<string, string>) =>
      acme.request(oneDayRoute, { org: 'acme', ...query }).then(
        (response) => response.status,
        (error: unknown) => (error instanceof RequestError ? error.status : 0),
      );
    expect(await statusOf({ day: toCopilotDay(Date.now() - DAY_MS) })).toBe(404);
    expect(await statusOf({ date: latest })).toBe(422);
    expect(await statusOf({})).toBe(422);
  });

  it('expires links and fails downloads on demand', async () => {
    const host = simulator.copilot;
    if (!host) throw new Error('copilot is on');
    host.expireNextReports(1);
    const expired = await acme.request(
      'GET /orgs/{org}/copilot/metrics/reports/users-28-day/latest',
      { org: 'acme' },
    );
    const before = host.counters();
    expect((await fetch((expired.data as LinkBody).download_links[0] ?? '')).status).toBe(403);
    expect(host.counters().expired).toBe(before.expired + 1);

    host.failNextDownloads(1);
    const fresh = await acme.request(
      'GET /orgs/{org}/copilot/metrics/reports/users-28-day/latest',
      { org: 'acme' },
    );
    const [first, second] = (fresh.data as LinkBody).download_links;
    expect((await fetch(first ?? '')).status).toBe(500);
    expect((await fetch(second ?? '')).status).toBe(200);
    expect(host.counters().failed).toBe(before.failed + 1);
  });

  it('serves the enterprise report to the enterprise App only, over every enterprise org', async () => {
    const credentials = simulator.enterpriseApp;
    if (!credentials) throw new Error('the world has an enterprise');
    const app = new App({
      appId: credentials.appId,
      privateKey: credentials.privateKeyPem,
      Octokit: plainOctokitClass(simulator.url),
    });
    const octokit = await app.getInstallationOctokit(credentials.installationId);
    const { data } = await octokit.request(
      'GET /enterprises/{enterprise}/copilot/metrics/reports/users-28-day/latest',
      { enterprise: credentials.enterprise },
    );
    const records = (await Promise.all((data as LinkBody).download_links.map(download))).flat();
    const days = reportDays(latestReportDay(world, Date.now()));
    expect(records).toHaveLength(
      copilotRecordsOf(world, 'org', 'acme', days).length +
        copilotRecordsOf(world, 'org', 'globex', days).length,
    );
    const refused = await acme
      .request('GET /enterprises/{enterprise}/copilot/metrics/reports/users-28-day/latest', {
        enterprise: credentials.enterprise,
      })
      .catch((error: unknown) => (error instanceof RequestError ? error.status : 0));
    expect(refused).toBe(404);
  });

  it('ground truth sums each user over the 28 days and reads breakdowns from the nested arrays', () => {
    const atMs = Date.now();
    const days = reportDays(latestReportDay(world, atMs));
    const records = copilotRecordsOf(world, 'org', 'globex', days);
    const truth = copilotGroundTruth(world, {
      scope: 'org',
      id: 'globex',
      atMs,
      breakdowns: { ide: true, feature: true, language: true, model: true },
      emitDayLabel: false,
      userLabelMode: 'login',
    });
    const [first] = records;
    if (!first) throw new Error('globex has Copilot records');
    const total = records
      .filter((record) => record.user_id === first.user_id)
      .reduce((sum, record) => sum + Number(record['loc_added_sum']), 0);
    const sample = truth.find(
      (entry) =>
        entry.name === 'gh_copilot_usage_loc_added_sum' &&
        entry.labels['user'] === first.user_login,
    );
    expect(sample).toEqual({
      name: 'gh_copilot_usage_loc_added_sum',
      labels: { scope: 'org', org: 'globex', user: first.user_login },
      value: total,
    });
    const byIde = truth
      .filter((entry) => entry.name === 'gh_copilot_usage_loc_added_sum_by_ide')
      .reduce((sum, entry) => sum + entry.value, 0);
    const all = truth
      .filter((entry) => entry.name === 'gh_copilot_usage_loc_added_sum')
      .reduce((sum, entry) => sum + entry.value, 0);
    expect(byIde).toBe(all);
    expect(
      truth.some(
        (entry) => entry.name === 'gh_copilot_usage_user_initiated_interaction_count_by_language',
      ),
    ).toBe(false);
  });

  it('serves aggregate reports: one line per file, the days in day_totals, users summed per day', async () => {
    const { data } = await acme.request(
      'GET /orgs/{org}/copilot/metrics/reports/organization-28-day/latest',
      { org: 'acme' },
    );
    const body = data as LinkBody;
    const days = reportDays(latestReportDay(world, Date.now()));
    expect([body.report_start_day, body.report_end_day]).toEqual([days[0], days.at(-1)]);
    const lines = (await Promise.all(body.download_links.map(download))).flat() as unknown as {
      day_totals: Record<string, unknown>[];
      organization_id: string;
    }[];
    expect(lines.map((line) => line.organization_id)).toEqual(['acme', 'acme', 'acme']);
    const totals = lines.flatMap((line) => line.day_totals);
    expect(totals.map((entry) => entry['day']).sort()).toEqual(days);
    const last = totals.find((entry) => entry['day'] === days.at(-1));
    const records = copilotRecordsOf(world, 'org', 'acme', [days.at(-1) ?? '']);
    expect(last?.['daily_active_users']).toBe(records.length);
    expect(last?.['loc_added_sum']).toBe(
      records.reduce((sum, record) => sum + Number(record['loc_added_sum']), 0),
    );
    const pullRequests = last?.['pull_requests'] as Record<string, number>;
    expect(pullRequests['total_merged']).toBeLessThanOrEqual(pullRequests['total_created'] ?? 0);
    expect(Number(last?.['monthly_active_users'])).toBeGreaterThanOrEqual(
      Number(last?.['weekly_active_users']),
    );

    const { data: oneDay } = await acme.request(
      'GET /orgs/{org}/copilot/metrics/reports/organization-1-day',
      { org: 'acme', day: days[5] ?? '' },
    );
    const dayLines = (await Promise.all((oneDay as LinkBody).download_links.map(download))).flat();
    expect(
      dayLines.flatMap((line) =>
        (line as unknown as { day_totals: { day: string }[] }).day_totals.map((entry) => entry.day),
      ),
    ).toEqual([days[5]]);
  });
});
