import { html, raw } from 'hono/html';

import type { OrgStatus, StatusReport } from './status-report.js';

/** The page reloads itself this often (a `<meta>` refresh: no JavaScript). */
const REFRESH_SECONDS = 10;

// Wide screens get tables; on a phone each row becomes a card, every value under its label.
const STYLE = `
body { font: 16px/1.4 system-ui, sans-serif; margin: 0 auto; padding: 0 12px 24px; max-width: 1100px; color: #1b1f24; }
h1 { font-size: 1.4em; margin: 16px 0 4px; }
h2 { font-size: 1.15em; margin: 24px 0 8px; }
.muted { color: #57606a; font-size: 0.9em; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 6px 10px 6px 0; border-bottom: 1px solid #d0d7de; vertical-align: top; white-space: nowrap; }
td.num, th.num { text-align: right; padding-right: 16px; }
.ok { color: #1a7f37; font-weight: 600; }
.bad { color: #cf222e; font-weight: 600; }
.warn { color: #9a6700; font-weight: 600; }
td.name { font-weight: 600; }
@media (max-width: 700px) {
  thead { display: none; }
  table, tbody, tr, td { display: block; }
  tr { border-bottom: 1px solid #d0d7de; padding: 8px 0; }
  td, td.num { border: 0; padding: 1px 0; white-space: normal; text-align: left; }
  td[data-label]::before { content: attr(data-label) ": "; color: #57606a; }
}
`;

/**
 * The status page: plain HTML that works without JavaScript and reads on a phone. Every
 * value goes through hono's `html` template, which escapes it; only the constant style
 * sheet is inserted raw (escaped, its quotes would break the CSS).
 */
export async function renderStatusPage(report: StatusReport): Promise<string> {
  const { queues } = report;
  const page = html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta http-equiv="refresh" content="${REFRESH_SECONDS}" />
        <title>github-stats-exporter status</title>
        <style>
          ${raw(STYLE)}
        </style>
      </head>
      <body>
        <h1>github-stats-exporter status</h1>
        <p class="muted">
          As of <time datetime="${report.generatedAt}">${report.generatedAt}</time>; reloads every
          ${REFRESH_SECONDS} s. The same data: <a href="status.json">status.json</a>. Queues in
          detail: <a href="queues">Bull Board</a>.
        </p>

        <h2>Orgs</h2>
        <div class="scroll">
          <table id="orgs">
            <thead>
              <tr>
                <th>Org</th>
                <th>GitHub</th>
                <th>Last complete cycle</th>
                <th>Last result</th>
                <th class="num">Lag</th>
                <th class="num">Repos</th>
                <th class="num">Series</th>
                <th>Rate limit</th>
                <th>Backfill done</th>
              </tr>
            </thead>
            <tbody>
              ${report.orgs.map(renderOrgRow)}
            </tbody>
          </table>
        </div>
        <p class="muted">
          Backfill done: messages the backfill-workers finished for the org since the fleet's
          telemetry began, by result. No history backfill job exists yet, so there is no progress to
          show beyond these.
        </p>

        <h2>Scrape queues (BullMQ)</h2>
        <div class="scroll">
          <table id="bullmq">
            <thead>
              <tr>
                <th>Queue</th>
                <th class="num">Waiting</th>
                <th class="num">Active</th>
                <th class="num">Delayed</th>
                <th class="num">Failed</th>
                <th class="num">Oldest waiting</th>
              </tr>
            </thead>
            <tbody>
              ${queues.bullmq.map(
                (queue) =>
                  html`<tr data-queue="${queue.queue}">
                    <td class="name">${queue.queue}</td>
                    <td class="num" data-label="Waiting" data-field="waiting">${queue.waiting}</td>
                    <td class="num" data-label="Active" data-field="active">${queue.active}</td>
                    <td class="num" data-label="Delayed" data-field="delayed">${queue.delayed}</td>
                    <td class="num" data-label="Failed" data-field="failed">${queue.failed}</td>
                    <td class="num" data-label="Oldest waiting">
                      ${formatSeconds(queue.oldestWaitingAgeSeconds)}
                    </td>
                  </tr> `,
              )}
            </tbody>
          </table>
        </div>

        <h2>Backfill queues (RabbitMQ)</h2>
        <div class="scroll">
          <table id="backfill">
            <thead>
              <tr>
                <th>Queue</th>
                <th>Role</th>
                <th class="num">Ready</th>
                <th class="num">Unacked</th>
                <th class="num">Oldest</th>
              </tr>
            </thead>
            <tbody>
              ${queues.backfill.map(
                (queue) =>
                  html`<tr data-queue="${queue.queue}">
                    <td class="name">${queue.queue}</td>
                    <td data-label="Role">${queue.role}</td>
                    <td class="num" data-label="Ready" data-field="ready">${queue.ready ?? '–'}</td>
                    <td class="num" data-label="Unacked" data-field="unacked">
                      ${queue.role === 'main' ? queues.backfillUnacked : 0}
                    </td>
                    <td class="num" data-label="Oldest">
                      ${queue.oldestAgeSeconds === undefined ? '–' : formatSeconds(queue.oldestAgeSeconds)}
                    </td>
                  </tr> `,
              )}
            </tbody>
          </table>
        </div>
        <p class="muted">
          Ready and oldest as a backfill-worker last read them from RabbitMQ (every 5 s); unacked:
          the deliveries the live workers hold, from their heartbeats. – : no worker has reported
          yet.
        </p>

        <h2>Leader</h2>
        <p id="leader">
          ${
            report.leader
              ? html`<span class="ok">${report.leader.holder}</span> leads, term
                  ${report.leader.term ?? '?'} (the fencing token).`
              : html`<span class="bad">No scheduler holds the leader lock.</span>`
          }
        </p>

        <h2>Instances seen in the last 15 s</h2>
        <div class="scroll">
          <table id="instances">
            <thead>
              <tr>
                <th>Service</th>
                <th>Instance</th>
                <th>Started</th>
                <th class="num">Last seen</th>
                <th>Reports</th>
              </tr>
            </thead>
            <tbody>
              ${report.instances.map(
                (instance) =>
                  html`<tr data-instance="${instance.instance}">
                    <td class="name">${instance.service}</td>
                    <td data-label="Instance">${instance.instance}</td>
                    <td data-label="Started">${instance.startedAt}</td>
                    <td class="num" data-label="Last seen">
                      ${formatSeconds(instance.lastSeenSecondsAgo)} ago
                    </td>
                    <td data-label="Reports">${formatCounts(instance.counts)}</td>
                  </tr> `,
              )}
            </tbody>
          </table>
        </div>
      </body>
    </html> `;
  return (await page).toString();
}

function renderOrgRow(org: OrgStatus): ReturnType<typeof html> {
  const health =
    org.health === 'cooldown' && org.cooldown
      ? html`<span class="bad">cooldown</span> since ${org.cooldown.since}, not before
          ${org.cooldown.until}`
      : org.health === 'healthy'
        ? html`<span class="ok">healthy</span
            >${org.consecutiveFailures > 0 ? ` (${org.consecutiveFailures} failed probes)` : ''}`
        : html`<span class="warn">unknown</span>`;
  const cycle =
    org.lastCompleteCycleAt === undefined
      ? html`<span class="warn">none yet</span>`
      : html`<span class="${org.freshness === 'ok' ? 'ok' : 'warn'}"
            >${formatSeconds(org.lastCompleteCycleAgeSeconds ?? 0)} ago</span
          >
          <span class="muted">${org.lastCompleteCycleAt}</span>`;
  const rateLimits =
    org.rateLimits.length === 0
      ? '–'
      : org.rateLimits.map(
          (limit) =>
            html`${limit.remaining ?? '?'} of ${limit.limit ?? '?'} left, resets
            ${limit.resetAt ?? '?'}`,
        );
  return html`<tr data-org="${org.org}">
    <td class="name">${org.org}</td>
    <td data-label="GitHub" data-field="health">${health}</td>
    <td data-label="Last complete cycle" data-field="last-cycle">${cycle}</td>
    <td data-label="Last result">${org.lastCycleResult ?? '–'}</td>
    <td class="num" data-label="Lag">
      ${org.lagSeconds === undefined ? '–' : formatSeconds(org.lagSeconds)}
    </td>
    <td class="num" data-label="Repos">${org.repos ?? '–'}</td>
    <td class="num" data-label="Series">${org.series}</td>
    <td data-label="Rate limit">${rateLimits}</td>
    <td data-label="Backfill done">${formatCounts(org.backfillProcessed)}</td>
  </tr> `;
}

/** `42 s`, `5 min`, `3 h`: whole units, the largest that keeps two digits or fewer of minutes. */
export function formatSeconds(seconds: number): string {
  const rounded = Math.round(seconds);
  if (rounded < 120) return `${rounded} s`;
  if (rounded < 7200) return `${Math.round(rounded / 60)} min`;
  return `${Math.round(rounded / 3600)} h`;
}

function formatCounts(counts: Readonly<Record<string, number>>): string {
  const entries = Object.entries(counts);
  return entries.length === 0 ? '–' : entries.map(([name, count]) => `${name} ${count}`).join(', ');
}
