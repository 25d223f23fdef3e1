/** What one fleet of `workers` scraper-worker processes did over a measured stretch of work. */
export interface ScalingRun {
  readonly workers: number;
  /** Repo jobs completed in the stretch. */
  readonly jobs: number;
  /** From the first repo job's start to the last one's end (or the fixed window's length). */
  readonly seconds: number;
  /** REST requests the simulator answered, whatever their status: REST points (GET = 1). */
  readonly restRequests: number;
  /** Of those, the ones that cost primary rate limit (not `304`). */
  readonly restCounted: number;
  readonly graphqlPoints: number;
  /** Most requests of the installation in flight at once (the simulator's peak). */
  readonly peakInFlight: number;
  readonly secondaryHits: number;
  /** Times the fleet's per-minute points budget made a request wait. */
  readonly budgetDenied: number;
  /** Share of the machine's cores busy during the stretch, [0, 1]. */
  readonly cpuBusyShare: number;
  /** Event-loop utilisation of the process serving the simulator during the stretch, [0, 1]. */
  readonly simulatorBusyShare: number;
}

/** A {@link ScalingRun} with its rates and its efficiency against one worker. */
export interface ScalingRow extends ScalingRun {
  readonly jobsPerSecond: number;
  readonly requestsPerSecond: number;
  /** throughput(N) / (N × throughput(1)); 1 is linear. */
  readonly efficiency: number;
}

/**
 * Rates and efficiency of each run against the 1-worker run.
 * @throws RangeError without a 1-worker run, or with a run of no time.
 */
export function toScalingRows(runs: readonly ScalingRun[]): ScalingRow[] {
  const single = runs.find((run) => run.workers === 1);
  if (!single) throw new RangeError('efficiency needs a run with 1 worker');
  const jobsPerSecondOf = (run: ScalingRun): number => {
    if (!(run.seconds > 0)) throw new RangeError(`the ${run.workers}-worker run took no time`);
    return run.jobs / run.seconds;
  };
  const singleJobsPerSecond = jobsPerSecondOf(single);
  return runs.map((run) => {
    const jobsPerSecond = jobsPerSecondOf(run);
    return {
      ...run,
      jobsPerSecond,
      requestsPerSecond: run.restRequests / run.seconds,
      efficiency: jobsPerSecond / (run.workers * singleJobsPerSecond),
    };
  });
}

/** What one worker process asks of its installation, measured alone. */
export interface WorkerDemand {
  /** Requests in flight at once. */
  readonly inFlight: number;
  /** Repo jobs in flight at once (`bullmq.worker_concurrency`). */
  readonly jobsInFlight: number;
  /** REST points a minute (every request, `304` included). */
  readonly restPointsPerMinute: number;
  /** REST requests a minute that cost primary rate limit. */
  readonly restCountedPerMinute: number;
  readonly graphqlPointsPerMinute: number;
}

/** One limit the fleet runs under, in the unit of the {@link WorkerDemand} field it caps. */
export interface FleetLimit {
  /** E.g. `rate_limit.rest_points_per_minute (800)`. */
  readonly name: string;
  readonly demand: keyof WorkerDemand;
  /** At most this much of `demand` for the whole fleet (an hourly budget divided by 60). */
  readonly capacity: number;
}

export interface LimitBinding {
  readonly limit: FleetLimit;
  /** One worker's demand, in the limit's unit. */
  readonly perWorker: number;
  /** How many workers' demand fits in the limit: capacity / one worker's demand. */
  readonly workersAdmitted: number;
  /** The smallest worker count whose demand exceeds the limit; `undefined`: none does. */
  readonly bindsAtWorkers: number | undefined;
}

/**
 * Each limit with the number of workers it admits at one worker's measured demand, the
 * tightest first: the first entry is the budget that binds first as workers are added.
 * A limit of which a worker asks nothing never binds.
 */
export function rankLimits(demand: WorkerDemand, limits: readonly FleetLimit[]): LimitBinding[] {
  return limits
    .map((limit): LimitBinding => {
      const perWorker = demand[limit.demand];
      if (perWorker <= 0) {
        return {
          limit,
          perWorker,
          workersAdmitted: Number.POSITIVE_INFINITY,
          bindsAtWorkers: undefined,
        };
      }
      const workersAdmitted = limit.capacity / perWorker;
      return { limit, perWorker, workersAdmitted, bindsAtWorkers: Math.floor(workersAdmitted) + 1 };
    })
    .sort((a, b) => a.workersAdmitted - b.workersAdmitted);
}

/** One worker's demand from the 1-worker run and its `bullmq.worker_concurrency`. */
export function toWorkerDemand(single: ScalingRun, workerConcurrency: number): WorkerDemand {
  const minutes = single.seconds / 60;
  return {
    inFlight: single.peakInFlight,
    jobsInFlight: workerConcurrency,
    restPointsPerMinute: single.restRequests / minutes,
    restCountedPerMinute: single.restCounted / minutes,
    graphqlPointsPerMinute: single.graphqlPoints / minutes,
  };
}

/** The largest worker count up to which every run kept at least `threshold` efficiency. */
export function linearUpTo(rows: readonly ScalingRow[], threshold: number): number {
  let upTo = 0;
  for (const row of [...rows].sort((a, b) => a.workers - b.workers)) {
    if (row.efficiency < threshold) break;
    upTo = row.workers;
  }
  return upTo;
}
