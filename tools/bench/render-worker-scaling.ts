import {
  linearUpTo,
  type LimitBinding,
  type ScalingRow,
  type ScalingRun,
  type WorkerDemand,
} from './worker-scaling-report.js';

/** Efficiency the issue asks of 1 → 2 → 4 workers until a budget binds. */
export const LINEAR_ENOUGH = 0.9;
/** Above this share of the cores (or of the simulator's event loop) busy, the machine sets the pace. */
const SATURATED = 0.9;

export interface WorkerScalingReport {
  readonly rows: readonly ScalingRow[];
  /** Tightest first (`rankLimits`). */
  readonly bindings: readonly LimitBinding[];
  /** The most workers over a fixed window, with more work than the per-minute budget allows. */
  readonly sustained: ScalingRun;
  readonly scenario: {
    readonly repos: number;
    readonly latencyMs: number;
    readonly workerConcurrency: number;
    readonly restPointsPerMinute: number;
    readonly cores: number;
  };
}

const fixed = (value: number, digits: number): string => value.toFixed(digits);
const percent = (share: number): string => `${Math.round(share * 100)} %`;
const workersText = (count: number): string => `${count} worker${count === 1 ? '' : 's'}`;

/** The Markdown section of the worker-scaling benchmark. */
export function renderWorkerScaling(report: WorkerScalingReport): string {
  const { rows, bindings, sustained, scenario } = report;
  const single = rows.find((row) => row.workers === 1);
  const lines = [
    '### Worker scaling: scraper-worker processes pulling BullMQ repo jobs',
    '',
    `${scenario.repos} repos read completely (first reads back to retention) in one org cycle, ` +
      `by N scraper-worker processes with \`bullmq.worker_concurrency\` ${scenario.workerConcurrency}, ` +
      `${scenario.latencyMs} ms latency, the simulator at GitHub's limits; ${scenario.cores} cores.`,
    '',
    '| workers | repo jobs | seconds | jobs/s | REST requests/s | efficiency | peak in flight | budget waits | secondary hits | CPU busy | simulator busy |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows
      .map((row) =>
        [
          row.workers,
          row.jobs,
          fixed(row.seconds, 1),
          fixed(row.jobsPerSecond, 2),
          fixed(row.requestsPerSecond, 1),
          fixed(row.efficiency, 2),
          row.peakInFlight,
          row.budgetDenied,
          row.secondaryHits,
          percent(row.cpuBusyShare),
          percent(row.simulatorBusyShare),
        ].join(' | '),
      )
      .map((cells) => `| ${cells} |`),
    '',
    renderLinearity(rows, scenario.restPointsPerMinute),
    '',
    '| limit in force | one worker asks | workers it admits | binds at |',
    '| --- | ---: | ---: | ---: |',
    ...bindings.map(
      ({ limit, perWorker, workersAdmitted, bindsAtWorkers }) =>
        `| ${limit.name} | ${demandText(limit.demand, perWorker)} | ` +
        `${Number.isFinite(workersAdmitted) ? fixed(workersAdmitted, 2) : 'any'} | ` +
        `${bindsAtWorkers === undefined ? 'never' : workersText(bindsAtWorkers)} |`,
    ),
    '',
    renderBindsFirst(bindings),
    '',
    renderSustained(sustained, single, scenario.restPointsPerMinute),
    '',
  ];
  return lines.join('\n');
}

function demandText(demand: keyof WorkerDemand, perWorker: number): string {
  return demand === 'inFlight' || demand === 'jobsInFlight'
    ? fixed(perWorker, 0)
    : `${fixed(perWorker, 1)} a minute`;
}

function renderLinearity(rows: readonly ScalingRow[], restPointsPerMinute: number): string {
  const upTo = linearUpTo(rows, LINEAR_ENOUGH);
  const widest = rows.reduce((most, row) => (row.workers > most.workers ? row : most));
  const efficiencies = rows
    .map((row) => `${workersText(row.workers)} ${fixed(row.efficiency, 2)}`)
    .join(', ');
  const verdict =
    upTo >= widest.workers
      ? `at least ${LINEAR_ENOUGH}× linear up to ${workersText(upTo)}`
      : `at least ${LINEAR_ENOUGH}× linear only up to ${workersText(upTo)}`;
  const single = rows.find((row) => row.workers === 1);
  // A worker's requests are sequential (one job, one request at a time): N / rate is how long
  // each took, latency included; what grows with N is waiting for the machine.
  const requestMs = (row: ScalingRow): string =>
    fixed((row.workers / row.requestsPerSecond) * 1000, 0);
  const perRequest =
    single === undefined || single === widest
      ? ''
      : `, a worker's request took ${requestMs(widest)} ms (${requestMs(single)} ms with 1 worker)`;
  const busy = `the cores were ${percent(widest.cpuBusyShare)} busy and the simulator's event loop ${percent(widest.simulatorBusyShare)}${perRequest}`;
  const cpu =
    widest.cpuBusyShare >= SATURATED || widest.simulatorBusyShare >= SATURATED
      ? ` At ${workersText(widest.workers)} ${busy}: this machine, not the fleet, sets the pace there.`
      : ` At ${workersText(widest.workers)} ${busy}.`;
  const held = rows.some((row) => row.budgetDenied > 0 || row.secondaryHits > 0)
    ? ' Some requests waited for the per-minute budget or hit a secondary limit (columns above).'
    : ' No request waited for a budget or hit a secondary limit.';
  const underBudget = rows.every((row) => row.restRequests < restPointsPerMinute)
    ? ` Each run made fewer REST requests than one minute's budget (${restPointsPerMinute}): the table measures the workers; the budgets follow.`
    : '';
  return `Efficiency (throughput(N) / (N × throughput(1))): ${efficiencies}; ${verdict}.${cpu}${held}${underBudget}`;
}

function renderBindsFirst(bindings: readonly LimitBinding[]): string {
  const [first, second] = bindings;
  if (!first) return 'No limit in force.';
  const next =
    second?.bindsAtWorkers === undefined
      ? ''
      : `; then ${second.limit.name} at ${workersText(second.bindsAtWorkers)}`;
  if (first.bindsAtWorkers === undefined) {
    return 'Binds first: none; the workers ask nothing of any limit.';
  }
  const already =
    first.workersAdmitted < 1
      ? `, already at one worker: it admits ${fixed(first.workersAdmitted, 2)} of a worker's sustained pace`
      : ` at ${workersText(first.bindsAtWorkers)}`;
  return `**Binds first: ${first.limit.name}${already}**${next}.`;
}

function renderSustained(
  sustained: ScalingRun,
  single: ScalingRow | undefined,
  restPointsPerMinute: number,
): string {
  const requestsPerSecond = sustained.restRequests / sustained.seconds;
  // In requests, not jobs: the window's jobs are the org's first (active, larger) repos.
  const againstOne =
    single === undefined
      ? ''
      : `, ${fixed(requestsPerSecond / single.requestsPerSecond, 2)}× one worker's unhindered rate`;
  return (
    `Sustained: ${workersText(sustained.workers)} for ${fixed(sustained.seconds, 0)} s with more work than a ` +
    `minute's budget: ${sustained.restRequests} REST requests (budget ${restPointsPerMinute} a minute): ` +
    `${fixed(requestsPerSecond, 1)} requests/s${againstOne}; ${sustained.jobs} repo jobs finished; ` +
    `${sustained.budgetDenied} waits for the budget, ${sustained.secondaryHits} secondary-limit hits, ` +
    `CPU ${percent(sustained.cpuBusyShare)} busy.`
  );
}
