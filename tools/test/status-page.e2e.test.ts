import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';

import { DEMO_GITHUB_SIM_PORT, DEMO_ORGS, loadConfig } from '@gse/config';
import { SCRAPE_QUEUES, toBackfillTopology, backfillQueues } from '@gse/queues';
import {
  startOwnRabbitMqNode,
  startOwnRedisServer,
  waitFor,
  type OwnRabbitMqNode,
  type OwnRedisServer,
} from '@gse/testing';
import { Queue } from 'bullmq';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The demo fleet (tools/src/fleet.ts without a config) on brokers of this test's own, its
// status page opened in Debian's Chromium the way a person would, on a phone-sized screen.
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const ADMIN_URL = 'http://127.0.0.1:9105';
const SIM_URL = `http://127.0.0.1:${DEMO_GITHUB_SIM_PORT}`;
/** Where the screenshot for docs/operations.md is written. */
const OUTPUT_DIR = join(repoRoot, 'tools', 'test-output');
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const { config: demo } = loadConfig({ env: {}, cwd: '/nonexistent' });
const topology = toBackfillTopology(demo.amqp, demo.backfill.requeueDelaysMs);

interface StatusJson {
  readonly orgs: readonly {
    readonly org: string;
    readonly health: string;
    readonly freshness: string;
  }[];
}

async function statusJson(): Promise<StatusJson | undefined> {
  try {
    const response = await fetch(`${ADMIN_URL}/status.json`);
    return response.ok ? ((await response.json()) as StatusJson) : undefined;
  } catch {
    return undefined;
  }
}

/** The text of one table cell, as the page shows it. */
async function cell(page: Page, row: string, field: string): Promise<string> {
  return (await page.locator(`${row} [data-field="${field}"]`).innerText()).trim();
}

describe('status page (the demo fleet in Chromium)', () => {
  let redis: OwnRedisServer | undefined;
  let rabbit: OwnRabbitMqNode | undefined;
  let browser: BrowserContext | undefined;
  let operatorDir: string | undefined;
  let fleetExited: Promise<number | null> | undefined;
  let fleetPid: number | undefined;
  let output = '';

  beforeAll(async () => {
    [redis, rabbit] = await Promise.all([startOwnRedisServer(), startOwnRabbitMqNode()]);
    operatorDir = await mkdtemp(join(tmpdir(), 'gse-status-page-'));
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      INIT_CWD: operatorDir,
      GITHUB_STATS_REDIS_ADDR: `127.0.0.1:${redis.port}`,
      GITHUB_STATS_AMQP_URL: rabbit.url,
    };
    delete env['GITHUB_STATS_CONFIG'];
    const fleet = spawn(
      process.execPath,
      ['--import', 'tsx', '--conditions=@gse/source', 'tools/src/fleet.ts'],
      { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
    );
    fleetPid = fleet.pid;
    fleet.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    fleet.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    fleetExited = new Promise((resolve) => fleet.on('exit', resolve));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    if (fleetPid !== undefined) {
      try {
        process.kill(-fleetPid, 'SIGINT');
      } catch {
        // Already gone.
      }
      await fleetExited;
    }
    await Promise.all([redis?.dispose(), rabbit?.dispose()]);
    if (operatorDir) await rm(operatorDir, { recursive: true, force: true });
  }, 60_000);

  it('lists every org with a recent cycle, the queues as BullMQ and RabbitMQ count them, and an org in an outage in cooldown', async () => {
    // Every org with a complete cycle within two scrape intervals (the first starts at once).
    await waitFor(
      async () => {
        const status = await statusJson();
        return (
          status !== undefined &&
          DEMO_ORGS.every(({ org }) =>
            status.orgs.some((entry) => entry.org === org && entry.freshness === 'ok'),
          )
        );
      },
      { timeoutMs: 90_000, intervalMs: 1000, description: 'a recent cycle of every demo org' },
    ).catch((error: unknown) => {
      throw new Error(`${String(error)}\n${output.slice(-4000)}`);
    });

    // An outage of globex's GitHub: 6 failed probes, 5 s apart, put it into cooldown.
    const outage = await fetch(`${SIM_URL}/_sim/faults/outage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ org: 'globex' }),
    });
    expect(outage.status).toBe(201);
    await waitFor(
      async () =>
        (await statusJson())?.orgs.find((entry) => entry.org === 'globex')?.health === 'cooldown',
      { timeoutMs: 60_000, intervalMs: 1000, description: 'globex in cooldown' },
    );

    // A fresh profile of its own (Playwright passes it as --user-data-dir).
    browser = await chromium.launchPersistentContext(join(operatorDir ?? tmpdir(), 'chromium'), {
      executablePath: '/usr/bin/chromium',
      args: CHROMIUM_ARGS,
      viewport: { width: 412, height: 915 },
    });
    const page = await browser.newPage();
    await page.goto(ADMIN_URL);

    // Every org listed, with a recent cycle; globex in cooldown, acme healthy.
    for (const { org } of DEMO_ORGS) {
      expect(await cell(page, `tr[data-org="${org}"]`, 'last-cycle')).toMatch(
        /^\d+ s ago \d{4}-\d\d-\d\dT/,
      );
    }
    expect(await cell(page, 'tr[data-org="globex"]', 'health')).toMatch(
      /^cooldown since \d{4}-\d\d-\d\dT\S+, not before \d{4}-\d\d-\d\dT\S+$/,
    );
    expect(await cell(page, 'tr[data-org="acme"]', 'health')).toBe('healthy');

    // The queue numbers equal what BullMQ and RabbitMQ count; both move, so the page is
    // read again until a reading of the page and one of the brokers agree.
    const connection = { host: '127.0.0.1', port: redis?.port ?? 0 };
    const queues = Object.values(SCRAPE_QUEUES).map(
      (name) => new Queue(name, { connection, prefix: demo.bullmq.prefix }),
    );
    let last: unknown;
    try {
      await waitFor(
        async () => {
          await page.reload();
          const shown: Record<string, string> = {};
          const counted: Record<string, string> = {};
          for (const queue of queues) {
            for (const state of ['waiting', 'active', 'delayed', 'failed'] as const) {
              shown[`${queue.name} ${state}`] = await cell(
                page,
                `#bullmq tr[data-queue="${queue.name}"]`,
                state,
              );
            }
            const counts = await queue.getJobCounts(
              'wait',
              'prioritized',
              'active',
              'delayed',
              'failed',
            );
            counted[`${queue.name} waiting`] = String(
              (counts['wait'] ?? 0) + (counts['prioritized'] ?? 0),
            );
            counted[`${queue.name} active`] = String(counts['active'] ?? 0);
            counted[`${queue.name} delayed`] = String(counts['delayed'] ?? 0);
            counted[`${queue.name} failed`] = String(counts['failed'] ?? 0);
          }
          for (const queue of backfillQueues(topology)) {
            for (const field of ['ready', 'unacked'] as const) {
              shown[`${queue} ${field}`] = await cell(
                page,
                `#backfill tr[data-queue="${queue}"]`,
                field,
              );
            }
          }
          const listed = await rabbit?.rabbitmqctl(
            'list_queues',
            'name',
            'messages_ready',
            'messages_unacknowledged',
          );
          for (const line of (listed ?? '').trim().split('\n')) {
            const [name = '', ready = '', unacked = ''] = line.trim().split(/\s+/);
            if (!backfillQueues(topology).includes(name)) continue;
            counted[`${name} ready`] = ready;
            counted[`${name} unacked`] = unacked;
          }
          last = { shown, counted };
          return isDeepStrictEqual(shown, counted);
        },
        { timeoutMs: 30_000, intervalMs: 1000, description: 'the page equal to the brokers' },
      ).catch((error: unknown) => {
        throw new Error(`${String(error)}: last reading ${JSON.stringify(last)}`);
      });
    } finally {
      await Promise.all(queues.map((queue) => queue.close()));
    }

    // A leader with its term, and every service's instance seen within its heartbeat TTL.
    expect(await page.locator('#leader').innerText()).toMatch(
      / leads, term \d+ \(the fencing token\)\.$/,
    );
    const services = await page.locator('#instances tbody tr td:first-child').allInnerTexts();
    expect([...new Set(services)].sort()).toEqual([
      'backfill-worker',
      'metrics-gateway',
      'scheduler',
      'scraper-worker',
    ]);

    await mkdir(OUTPUT_DIR, { recursive: true });
    await page.screenshot({ path: join(OUTPUT_DIR, 'status-page.png'), fullPage: true });

    // Bull Board (a JavaScript app of its own) lists the scrape queues and, Copilot being on
    // in demo mode, its reads' queue, read-only.
    const board = await browser.newPage();
    await board.goto(`${ADMIN_URL}/queues`);
    for (const name of Object.values(SCRAPE_QUEUES)) {
      await board.getByText(name, { exact: true }).first().waitFor({ timeout: 20_000 });
    }
    const queueList = await (await fetch(`${ADMIN_URL}/queues/api/queues`)).json();
    expect(
      (queueList as { queues: { name: string; readOnlyMode: boolean }[] }).queues
        .map((queue) => [queue.name, queue.readOnlyMode])
        .sort(),
    ).toEqual([
      ['copilot-reports', true],
      ['org-scrapes', true],
      ['repo-scrapes', true],
    ]);
    // Read-only is enforced by its API too, not only by hidden buttons.
    for (const action of ['retry/failed', 'clean/completed', 'pause', 'obliterate']) {
      const refused = await fetch(`${ADMIN_URL}/queues/api/queues/repo-scrapes/${action}`, {
        method: 'PUT',
      });
      expect([action, refused.status]).toEqual([action, 405]);
    }
  }, 240_000);
});
