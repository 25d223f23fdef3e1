import type { Config } from '@gse/config';
import type { CopilotSchedule } from '@gse/fleet-adapters';
import type { GitHubClient } from '@gse/github';
import type { Logger } from '@gse/logging';
import type { BackfillProducer, ScrapeQueues } from '@gse/queues';
import type { HistoryPendingStore, StoreKeys } from '@gse/store';
import type { FleetTelemetry } from '@gse/telemetry';
import type { Redis } from 'ioredis';

/** What the leader's duties use, opened once per run of the scheduler. */
export interface SchedulerContext {
  readonly config: Config;
  readonly redis: Redis;
  readonly keys: StoreKeys;
  readonly queues: ScrapeQueues;
  readonly backfill: BackfillProducer;
  /** Repos whose history is pending, per org (`gh_exporter_history_repos_pending`). */
  readonly historyPending: HistoryPendingStore;
  readonly telemetry: FleetTelemetry;
  /** One client per org, used only for the health probe (`GET /rate_limit`). */
  readonly probeClients: ReadonlyMap<string, GitHubClient>;
  readonly logger: Logger;
  /** Copilot report jobs, when `copilot.enabled`. */
  readonly copilot: CopilotSchedule | undefined;
  /** Wall clock, epoch ms. */
  readonly now: () => number;
}
