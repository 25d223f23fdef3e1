/**
 * `pnpm plan -- --org ORG` (in the scraper-worker image: `node dist/plan-cli.js --org ORG`):
 * sizes an org for its installation before the fleet scrapes it. Asks GitHub (or the
 * simulator) two things as the org's installation — one GraphQL query of 1 point for the
 * org's size and recent activity, and the free `GET /rate_limit` — and prints what the first
 * view, the history and the steady state cost, and whether they fit the budgets
 * (docs/operations.md#sizing-an-installation). Reads the fleet config like the services
 * (`$GITHUB_STATS_CONFIG`, else `config/local.yaml`, else demo mode); its requests go
 * through the fleet's Redis budgets like any other. Exit codes: 0 printed (whether it fits
 * or not), 1 failed (GitHub or Redis), 2 bad usage or config.
 */
import { parseArgs } from 'node:util';

import { loadConfig, parseDurationMs, type Config, type OrgConfig } from '@gse/config';
import { createOrgGitHubClients } from '@gse/fleet-adapters';
import { createLogger, toErrorMessage } from '@gse/logging';
import { planOrgCost, probeOrgActivity } from '@gse/scrape';
import { createRedisConnection } from '@gse/store';

import { renderPlan, toPlanConfig } from './plan-report.js';

const USAGE = `Usage:
  pnpm plan -- --org ORG [--interval DURATION]
  node dist/plan-cli.js --org ORG [--interval DURATION]     (in the scraper-worker image)

  --org       an org of github.orgs: plan asks GitHub as its installation
  --interval  price this scrape_interval instead of the org's (e.g. 10m)`;

class UsageError extends Error {}

interface PlanCommand {
  readonly org: string;
  readonly intervalMs: number | undefined;
}

function parseCommand(argv: readonly string[]): PlanCommand | 'help' {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: {
      org: { type: 'string' },
      interval: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: true,
  });
  if (values.help) return 'help';
  if (positionals.length > 0) throw new UsageError(`unexpected argument: ${positionals[0]}`);
  if (values.org === undefined) throw new UsageError('plan needs --org');
  let intervalMs: number | undefined;
  if (values.interval !== undefined) {
    try {
      intervalMs = parseDurationMs(values.interval);
    } catch (error) {
      throw new UsageError(`--interval: ${toErrorMessage(error)}`);
    }
  }
  return { org: values.org, intervalMs };
}

async function run(command: PlanCommand, config: Config, org: OrgConfig): Promise<void> {
  const logger = createLogger({
    service: 'plan-cli',
    version: '0',
    level: 'warn',
    stream: process.stderr,
  });
  const redis = createRedisConnection(config.store, {
    connectionName: 'plan-cli',
    role: 'request',
  });
  const stop = new AbortController();
  try {
    await redis.connect();
    const client = await createOrgGitHubClients({
      github: config.github,
      rateLimit: config.rateLimit,
      retry: config.retry,
      priority: 'scheduled',
      conditionalRequests: false,
      redis,
      keyPrefix: config.store.keyPrefix,
      onRequest: () => undefined,
      onBudgetWait: () => undefined,
      logger,
      signal: stop.signal,
    }).clientOf(org);
    const planConfig = {
      ...toPlanConfig(config, org),
      ...(command.intervalMs === undefined ? {} : { scrapeIntervalMs: command.intervalMs }),
    };
    const probe = await probeOrgActivity(client, org.org, {
      nowMs: Date.now(),
      retentionMs: planConfig.retentionMs,
    });
    const lines = renderPlan({
      org: org.org,
      probe,
      config: planConfig,
      plan: planOrgCost(probe.activity, planConfig, probe.limits),
      allowlist: org.repoAllowlist,
    });
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    stop.abort(new Error('plan finished'));
    redis.disconnect();
  }
}

async function main(): Promise<number> {
  let command: PlanCommand | 'help';
  let config: Config;
  let org: OrgConfig | undefined;
  try {
    // `pnpm plan -- --org x` passes the `--` through; parseArgs would take it as a positional.
    command = parseCommand(process.argv.slice(2).filter((arg) => arg !== '--'));
    if (command === 'help') {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    ({ config } = loadConfig({ env: process.env, cwd: process.env['INIT_CWD'] ?? process.cwd() }));
    const wanted = command.org.toLowerCase();
    org = config.github.orgs.find((candidate) => candidate.org.toLowerCase() === wanted);
    if (!org) {
      throw new UsageError(
        `org ${command.org} is not in github.orgs (plan asks GitHub as its installation); ` +
          `configured: ${config.github.orgs.map((candidate) => candidate.org).join(', ')}`,
      );
    }
  } catch (error) {
    process.stderr.write(`${toErrorMessage(error)}\n${USAGE}\n`);
    return 2;
  }
  try {
    await run(command, config, org);
    return 0;
  } catch (error) {
    process.stderr.write(`plan: ${toErrorMessage(error)}\n`);
    return 1;
  }
}

process.exitCode = await main();
