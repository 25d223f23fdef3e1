import { DAY_MS } from '../dataset/sim-time.js';
import type { ApiRoute } from '../server/api-route.js';
import { findOrg } from '../server/api-route.js';
import {
  githubError,
  notFound,
  validationFailed,
  type ApiResult,
} from '../server/github-errors.js';
import type { SimDataset } from '../model.js';
import type { CopilotReportHost } from './copilot-report-host.js';
import {
  latestReportDay,
  parseCopilotDay,
  reportDays,
  toCopilotDay,
  type CopilotWorld,
} from './copilot-world.js';

export interface CopilotRouteDeps {
  readonly dataset: SimDataset;
  readonly world: CopilotWorld;
  readonly host: CopilotReportHost;
  readonly now: () => number;
}

/** GitHub keeps a year of daily reports. */
const HISTORY_DAYS = 365;

type Report = 'users' | 'aggregate';

/**
 * The report-link endpoints of GitHub's Copilot usage metrics API, org and enterprise scope,
 * users reports and aggregate reports (`organization-*`, `enterprise-*`): `…-28-day/latest`
 * (the 28 days ending `lagDays` before today) and `…-1-day` (`?day=YYYY-MM-DD`; a day inside
 * the lag or older than a year is 404, a missing or malformed `day` is 422 —
 * docs/github-limitations.md#copilot-usage-reports). The body has `download_links` on the
 * report host and the days covered; the files come from there.
 */
export function createCopilotRoutes(deps: CopilotRouteDeps): ApiRoute[] {
  const { world, host } = deps;
  const latest = (scope: 'org' | 'enterprise', id: string, report: Report): ApiResult => {
    const endDay = latestReportDay(world, deps.now());
    const days = reportDays(endDay);
    return {
      status: 200,
      body: {
        download_links: host.issueLinks({ scope, id, report, days }),
        report_start_day: days[0],
        report_end_day: endDay,
      },
    };
  };
  const oneDay = (
    scope: 'org' | 'enterprise',
    id: string,
    report: Report,
    query: URLSearchParams,
  ): ApiResult => {
    const day = query.get('day');
    const dayMs = day === null ? undefined : parseCopilotDay(day);
    if (day === null || dayMs === undefined) {
      return validationFailed('day', 'day is required, as YYYY-MM-DD');
    }
    const latestMs = parseCopilotDay(latestReportDay(world, deps.now())) ?? 0;
    if (dayMs > latestMs || dayMs < latestMs - HISTORY_DAYS * DAY_MS) {
      return githubError(404, `No report for ${toCopilotDay(dayMs)}`);
    }
    return {
      status: 200,
      body: {
        download_links: host.issueLinks({ scope, id, report, days: [day] }),
        report_day: day,
      },
    };
  };
  const orgOf = (caller: Parameters<ApiRoute['handle']>[0]['caller'], login: string) => {
    const org = findOrg(deps.dataset, login);
    if (caller.kind !== 'installation' || !org || caller.issued.org !== org.login) return undefined;
    return world.orgs.has(org.login) ? org.login : undefined;
  };
  const enterpriseOf = (caller: Parameters<ApiRoute['handle']>[0]['caller'], slug: string) => {
    const enterprise = world.enterprise;
    if (
      caller.kind !== 'installation' ||
      !enterprise ||
      enterprise.slug !== slug ||
      caller.issued.installationId !== enterprise.installationId
    ) {
      return undefined;
    }
    return enterprise.slug;
  };
  const paths = [
    { report: 'users', org: 'users', enterprise: 'users' },
    { report: 'aggregate', org: 'organization', enterprise: 'enterprise' },
  ] as const;
  return paths.flatMap(({ report, org: orgName, enterprise: enterpriseName }): ApiRoute[] => [
    {
      method: 'GET',
      template: `/orgs/{org}/copilot/metrics/reports/${orgName}-28-day/latest`,
      auth: 'installation',
      handle({ caller, params }) {
        const org = orgOf(caller, params['org'] ?? '');
        return org === undefined ? notFound() : latest('org', org, report);
      },
    },
    {
      method: 'GET',
      template: `/orgs/{org}/copilot/metrics/reports/${orgName}-1-day`,
      auth: 'installation',
      handle({ caller, params, query }) {
        const org = orgOf(caller, params['org'] ?? '');
        return org === undefined ? notFound() : oneDay('org', org, report, query);
      },
    },
    {
      method: 'GET',
      template: `/enterprises/{enterprise}/copilot/metrics/reports/${enterpriseName}-28-day/latest`,
      auth: 'installation',
      handle({ caller, params }) {
        const slug = enterpriseOf(caller, params['enterprise'] ?? '');
        return slug === undefined ? notFound() : latest('enterprise', slug, report);
      },
    },
    {
      method: 'GET',
      template: `/enterprises/{enterprise}/copilot/metrics/reports/${enterpriseName}-1-day`,
      auth: 'installation',
      handle({ caller, params, query }) {
        const slug = enterpriseOf(caller, params['enterprise'] ?? '');
        return slug === undefined ? notFound() : oneDay('enterprise', slug, report, query);
      },
    },
  ]);
}
