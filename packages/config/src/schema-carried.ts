import { OPTIONAL_RESOURCES } from '@gse/activity';

import {
  amqpUrlFormat,
  booleanFormat,
  durationFormat,
  enumFormat,
  hostPortFormat,
  hostPortListFormat,
  httpUrlFormat,
  increasingDurationListFormat,
  integerFormat,
  keyPrefixFormat,
  nonEmptyStringFormat,
  numberFormat,
  orgListFormat,
  stringFormat,
  enumListFormat,
} from './formats.js';
import type { RawOrg } from './raw-config.js';
import { leaf } from './schema-node.js';

/**
 * GitHub's documented secondary limits per installation ("Rate limits for the REST API",
 * docs.github.com): the fleet's budgets may not exceed them.
 */
export const GITHUB_SECONDARY_POINTS_PER_MINUTE = { rest: 900, graphql: 2000 } as const;
export const GITHUB_MAX_CONCURRENT_REQUESTS = 100;

/** Log levels, lowest first. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;

export const DURATION = durationFormat({ positive: false });
export const POSITIVE_DURATION = durationFormat({ positive: true });
export const COUNT = integerFormat({ min: 0 });
export const POSITIVE_COUNT = integerFormat({ min: 1 });

const IGNORED_LEASE =
  'leader election here is a Redis lock, not a Kubernetes Lease; kept so Go exporter configs load';
const IGNORED_STORE = "belonged to the Go exporter's store internals; kept so its configs load";

/**
 * The sections carried over from the Go exporter (DESIGN.md Appendix A), with its key names
 * and defaults, plus the new keys that belong in those sections (`github.exclude_bots`,
 * `rate_limit.max_concurrent_requests_per_installation`, `store.key_prefix`).
 */
export const carriedSections = {
  server: {
    listen_addr: leaf({
      doc: "metrics-gateway's public address for /metrics (the single scrape target).",
      default: '0.0.0.0:8080',
      format: hostPortFormat,
    }),
    log_level: leaf({
      doc: 'Lowest level written to the JSON log lines of every service.',
      default: 'info',
      format: enumFormat(LOG_LEVELS),
      env: 'GITHUB_STATS_LOG_LEVEL',
    }),
    auth: {
      bearer_token: leaf({
        doc: 'When set, /metrics on server.listen_addr requires `Authorization: Bearer <token>`. Off when empty.',
        default: '',
        format: stringFormat,
        env: 'GITHUB_STATS_METRICS_BEARER_TOKEN',
        sensitive: true,
      }),
      basic_username: leaf({
        doc: 'With basic_password: /metrics requires HTTP basic auth with this user. Off when empty.',
        default: '',
        format: stringFormat,
      }),
      basic_password: leaf({
        doc: 'Password of server.auth.basic_username.',
        default: '',
        format: stringFormat,
        env: 'GITHUB_STATS_METRICS_BASIC_PASSWORD',
        sensitive: true,
      }),
    },
    tls: {
      cert_path: leaf({
        doc: 'PEM certificate (chain) for HTTPS on server.listen_addr; with key_path. Plain HTTP when empty.',
        default: '',
        format: stringFormat,
      }),
      key_path: leaf({
        doc: 'PEM private key of server.tls.cert_path.',
        default: '',
        format: stringFormat,
      }),
    },
  },
  metrics: {
    topology: leaf({
      doc: 'How Prometheus scrapes the fleet: one logical target behind the metrics-gateway service.',
      default: 'single_service_target',
      format: enumFormat(['single_service_target']),
    }),
    scrape_service_dns: leaf({
      doc: 'DNS name of the scrape target, for operators reading the config.',
      default: '',
      format: stringFormat,
      ignored: 'informational in the Go exporter too; nothing reads it',
    }),
  },
  leader_election: {
    enabled: leaf({
      doc: 'Elect one scheduler leader through a Redis lock with a fencing token. When false, every scheduler replica acts as leader: run only one. (The Go exporter defaulted to false.)',
      default: true,
      format: booleanFormat,
    }),
    namespace: leaf({
      doc: 'Kubernetes Lease namespace.',
      default: '',
      format: stringFormat,
      ignored: IGNORED_LEASE,
    }),
    lease_name: leaf({
      doc: 'Kubernetes Lease name.',
      default: '',
      format: stringFormat,
      ignored: IGNORED_LEASE,
    }),
    lease_duration: leaf({
      doc: 'How long the lock stays held without renewal; a new leader can take over after it.',
      default: '30s',
      format: POSITIVE_DURATION,
    }),
    renew_deadline: leaf({
      doc: 'A leader that has not renewed within this time steps down (before its lease can expire).',
      default: '20s',
      format: POSITIVE_DURATION,
    }),
    retry_period: leaf({
      doc: 'How often the leader renews and followers try to acquire the lock.',
      default: '5s',
      format: POSITIVE_DURATION,
    }),
  },
  github: {
    api_base_url: leaf({
      doc: 'GitHub REST API root: https://api.github.com, or https://HOST/api/v3 for GitHub Enterprise Server.',
      default: 'https://api.github.com',
      format: httpUrlFormat,
    }),
    request_timeout: leaf({
      doc: 'Timeout of one GitHub request.',
      default: '20s',
      format: POSITIVE_DURATION,
    }),
    unhealthy_failure_threshold: leaf({
      doc: 'Consecutive failed GitHub probes or scrapes before GitHub is marked unhealthy and scraping pauses.',
      default: 6,
      format: POSITIVE_COUNT,
    }),
    unhealthy_cooldown: leaf({
      doc: 'How long scraping pauses once GitHub is marked unhealthy.',
      default: '2m',
      format: POSITIVE_DURATION,
    }),
    exclude_bots: leaf({
      doc: "Drop users whose login ends in [bot] from the business metrics (they count like anyone when false). Applied when series are computed: bots' events stay in the ledger, so a change shows at each repo's next refresh, history included.",
      default: false,
      format: booleanFormat,
    }),
    optional_resources: leaf({
      doc: 'Optional scrape resources to read, each adding its business family (e.g. pr_review_comments: gh_activity_pr_review_comments_24h), beyond the eight families that are always on. Each costs requests per repo and cycle.',
      default: [] as string[],
      format: enumListFormat(OPTIONAL_RESOURCES),
    }),
    comment_reconcile_interval: leaf({
      doc: "How often, at most, each repo's comment lists are read back to store.retention to find comments GitHub no longer lists (deleted, or moved with a transferred issue). Free for a repo whose first page of comments reaches back to retention (its deletions show in one cycle); otherwise one read of the comments of the retention per repo and interval, repos spread over the last quarter of it. With change_detection graphql, a repo that shows no change still gets its comment lists (only those) read once per interval while they hold comments updated within the last 24 h, at most twice the fair share of such repos per cycle; an older comment's deletion in such a repo (it can move only last_event_unixtime or a series' existence) shows at its quiet_repo_reread_interval reread. Bounds how long a deleted comment keeps counting.",
      default: '1h',
      format: POSITIVE_DURATION,
    }),
    change_detection: leaf({
      doc: 'How an org cycle finds its repos and which of them changed. graphql: one GraphQL query per 100 repos lists them with their default-branch head, newest PR and issue and state, and only repos that changed since their last complete scrape (or are new, or due a reread) get a scrape; the others keep their series, recomputed from the ledger without a request. off: list the repos over REST and scrape every one each cycle (a GitHub Enterprise Server without these GraphQL fields). With graphql, a cycle whose query the server cannot run (/graphql answers 404, or its schema refuses a field) runs as with off, counted in gh_exporter_change_detection_fallbacks_total and logged once.',
      default: 'graphql',
      format: enumFormat(['graphql', 'off']),
    }),
    quiet_repo_reread_interval: leaf({
      doc: 'With change_detection graphql: how long a repo that shows no change may go without a scrape. A reread finds what the watched fields, the comment reconciles (comment_reconcile_interval) and the login checks (login_check_interval) miss, and refreshes LOC; rereads are spread over the interval (at most twice the fair share of repos per cycle).',
      default: '24h',
      format: POSITIVE_DURATION,
    }),
    login_check_interval: leaf({
      doc: "How long a user's login may go unconfirmed: the login of each user id that no read of GitHub showed within the interval is looked up by id (GET /user/{account_id}, one request per such user and interval, spread over the cycles, at most twice the fair share per cycle), so a renamed user's series follow in a repo that shows no change. Bounds how long a rename goes unseen there.",
      default: '1h',
      format: POSITIVE_DURATION,
    }),
    orgs: leaf({
      doc: 'The organizations to scrape, one GitHub App installation each. Required; see the github.orgs[] table.',
      default: [] as RawOrg[],
      format: orgListFormat,
    }),
  },
  rate_limit: {
    min_remaining_threshold: leaf({
      doc: "Pause an installation's requests when its remaining primary rate limit drops below this, until the reset.",
      default: 200,
      format: COUNT,
    }),
    min_reset_buffer: leaf({
      doc: 'Extra wait after the rate-limit reset time before requests resume.',
      default: '10s',
      format: DURATION,
    }),
    secondary_limit_backoff: leaf({
      doc: "Wait after a secondary rate limit; at least GitHub's retry-after when it sends one.",
      default: '60s',
      format: POSITIVE_DURATION,
    }),
    max_concurrent_requests_per_installation: leaf({
      doc: "Fleet-wide cap on in-flight GitHub requests per installation, across every worker process (GitHub counts concurrency toward secondary limits). At most GitHub's 100, shared by REST and GraphQL.",
      default: 4,
      format: integerFormat({ min: 1, max: GITHUB_MAX_CONCURRENT_REQUESTS }),
    }),
    rest_points_per_minute: leaf({
      doc: "Fleet-wide REST points per installation in any minute (GET 1, POST/PATCH/PUT/DELETE 5; a 304 counts too), shared by every process through Redis. At most GitHub's secondary limit of 900; the default leaves headroom for requests outside the fleet's count (token mints, a restarted process).",
      default: 800,
      format: integerFormat({ min: 1, max: GITHUB_SECONDARY_POINTS_PER_MINUTE.rest }),
    }),
    graphql_points_per_minute: leaf({
      doc: "Fleet-wide GraphQL points per installation in any minute (a query 1, a mutation 5), shared by every process through Redis. At most GitHub's secondary limit of 2,000.",
      default: 1800,
      format: integerFormat({ min: 1, max: GITHUB_SECONDARY_POINTS_PER_MINUTE.graphql }),
    }),
    scheduled_points_reserve: leaf({
      doc: "Share of each minute's REST and GraphQL points only scheduled scrapes may spend: history reads and backfills wait while no more than this share is left. (The hour's primary budget has its own reserve, backfill.rate_limit_reserve.)",
      default: 0.25,
      format: numberFormat({ min: 0, max: 0.9 }),
    }),
  },
  retry: {
    max_attempts: leaf({
      doc: 'Attempts per GitHub request on network errors, 429 and 5xx (the first try included).',
      default: 5,
      format: POSITIVE_COUNT,
    }),
    initial_backoff: leaf({
      doc: 'Backoff before the first retry; doubles per attempt.',
      default: '2s',
      format: POSITIVE_DURATION,
    }),
    max_backoff: leaf({
      doc: 'Longest backoff between retries.',
      default: '30s',
      format: POSITIVE_DURATION,
    }),
    jitter: leaf({
      doc: 'Randomize each backoff (full jitter) so workers do not retry in lockstep. (Ignored by the Go exporter; applied here.)',
      default: true,
      format: booleanFormat,
    }),
  },
  loc: {
    source: leaf({
      doc: 'Where lines added/removed come from: /stats/contributors.',
      default: 'stats_contributors',
      format: enumFormat(['stats_contributors']),
    }),
    refresh_interval: leaf({
      doc: "How often a repo's LOC statistics are refreshed.",
      default: '24h',
      format: POSITIVE_DURATION,
    }),
    fallback_enabled: leaf({
      doc: 'Count LOC from per-commit details for repos whose /stats/contributors reports zero lines despite commits (10,000+ commits) or leaves out contributors (top 100 only).',
      default: false,
      format: booleanFormat,
    }),
    fallback_max_commits_per_repo_per_week: leaf({
      doc: 'Fallback budget: commit details fetched per repo per week.',
      default: 250,
      format: COUNT,
    }),
    fallback_max_commit_detail_calls_per_org_per_hour: leaf({
      doc: 'Fallback budget: commit detail requests per org per hour.',
      default: 1000,
      format: COUNT,
    }),
    large_repo_zero_detection_windows: leaf({
      doc: 'Consecutive zero-line /stats/contributors answers despite commits before a repo switches to the fallback.',
      default: 2,
      format: POSITIVE_COUNT,
    }),
    large_repo_cooldown: leaf({
      doc: 'How long a repo stays on the fallback before /stats/contributors is tried again.',
      default: '7d',
      format: POSITIVE_DURATION,
    }),
    stats_poll_attempts: leaf({
      doc: 'Requests to /stats/contributors per refresh while GitHub answers 202 (computing); then LOC is reported missing and retried by backfill.',
      default: 6,
      format: POSITIVE_COUNT,
    }),
    stats_poll_initial_delay: leaf({
      doc: 'Wait after the first 202 of /stats/contributors; doubles after each further 202.',
      default: '1s',
      format: POSITIVE_DURATION,
    }),
  },
  backfill: {
    enabled: leaf({
      doc: 'Publish failed or partial scrape windows to RabbitMQ for the backfill-worker. (The Go exporter parsed but did not use it.)',
      default: true,
      format: booleanFormat,
    }),
    history_in_background: leaf({
      doc: "A repo's first read (a new org of at least `history_in_background_min_repos` repos, or a Redis that lost its data) reads only the last 24 h and the LOC week, so the 24 h gauges are exact after one cycle; the rest of `store.retention` is read by the backfill-worker (one message per resource, reason `history`), and `gh_exporter_history_repos_pending{org}` counts the repos still waiting. Until a repo's history is in, its series show only users with an event in the part read (exact values; packages/activity/README.md). Only with `backfill.enabled`; false: the first read reads all of retention itself.",
      default: true,
      format: booleanFormat,
    }),
    history_in_background_min_repos: leaf({
      doc: "With `history_in_background`: only orgs scraping at least this many repos read history in the background; a smaller org's first reads take all of `store.retention` at once, so it is exact back to retention from its first complete cycle (at about 7.6 counted requests per repo, 100 repos' whole history is one minute of `rate_limit.rest_points_per_minute`). 0: every org in the background.",
      default: 100,
      format: COUNT,
    }),
    max_message_age: leaf({
      doc: 'A backfill message older than this goes to the DLQ with reason max_age instead of being retried.',
      default: '24h',
      format: POSITIVE_DURATION,
    }),
    consumer_count: leaf({
      doc: 'Concurrent backfill consumers per backfill-worker process (its prefetch).',
      default: 2,
      format: POSITIVE_COUNT,
    }),
    handler_timeout: leaf({
      doc: "A backfill message still being handled after this long is aborted and retried up the ladder (reason handler_timeout). Keep it below RabbitMQ's consumer_timeout (30m by default), which closes the channel of a delivery unacked that long.",
      default: '25m',
      format: POSITIVE_DURATION,
    }),
    rate_limit_reserve: leaf({
      doc: "Share of each installation's primary rate limit (`x-ratelimit-limit`) the backfill-worker leaves to scheduled scrapes: it sends nothing while the remaining budget is below `rate_limit.min_remaining_threshold` plus this share of the limit, and a message meeting that floor goes up the retry ladder (reason `rate_limited`) instead of waiting unacked for the reset.",
      default: 0.25,
      format: numberFormat({ min: 0, max: 0.9 }),
    }),
    requeue_delays: leaf({
      doc: 'The retry ladder: one RabbitMQ retry queue per delay; a message that used every delay goes to the DLQ.',
      default: ['1m', '5m', '30m', '2h'],
      format: increasingDurationListFormat,
    }),
    coalesce_window: leaf({
      doc: 'Missed windows of the same repo inside this span are merged into one backfill job (0 = no merging).',
      default: '15m',
      format: DURATION,
    }),
    dedup_ttl: leaf({
      doc: 'How long an enqueued backfill job id is remembered to drop duplicates.',
      default: '12h',
      format: POSITIVE_DURATION,
    }),
    max_enqueues_per_org_per_minute: leaf({
      doc: 'Backfill jobs one org may enqueue per minute; the excess is counted as dropped.',
      default: 100,
      format: POSITIVE_COUNT,
    }),
  },
  amqp: {
    url: leaf({
      doc: "RabbitMQ connection URL, credentials included; best set through the env. Default: RabbitMQ's guest account on 127.0.0.1:5672.",
      default: 'amqp://guest:guest@127.0.0.1:5672',
      format: amqpUrlFormat,
      env: 'GITHUB_STATS_AMQP_URL',
      sensitive: true,
    }),
    exchange: leaf({
      doc: 'Durable exchange for backfill jobs.',
      default: 'gh.backfill',
      format: nonEmptyStringFormat,
    }),
    queue: leaf({
      doc: 'Base name of the main backfill queue: the worker declares the quorum queue `<queue>.v2` and its retry queues `<queue>.v2.retry.<delay>`, and drains a classic `<queue>` of earlier versions (docs/decisions/0012-quorum-backfill-queues.md).',
      default: 'gh.backfill.jobs',
      format: nonEmptyStringFormat,
    }),
    dlq: leaf({
      doc: "Base name of the dead-letter queue (`<dlq>.v2`, a quorum queue); each message carries its reason in a header (`x-gse-dlq-reason`, or RabbitMQ's `x-death` for `delivery_limit`).",
      default: 'gh.backfill.dlq',
      format: nonEmptyStringFormat,
    }),
  },
  store: {
    backend: leaf({
      doc: 'Store backend (Redis is the only one here).',
      default: 'redis',
      format: stringFormat,
      ignored: IGNORED_STORE,
    }),
    redis_mode: leaf({
      doc: 'standalone: one Redis at redis_addr; sentinel: ask redis_sentinel_addrs for the master of redis_master_set.',
      default: 'standalone',
      format: enumFormat(['standalone', 'sentinel']),
    }),
    redis_addr: leaf({
      doc: 'Redis address in standalone mode.',
      default: '127.0.0.1:6379',
      format: hostPortFormat,
      env: 'GITHUB_STATS_REDIS_ADDR',
    }),
    redis_master_set: leaf({
      doc: 'Sentinel master name (sentinel mode).',
      default: '',
      format: stringFormat,
    }),
    redis_sentinel_addrs: leaf({
      doc: 'Sentinel addresses (sentinel mode).',
      default: [] as string[],
      format: hostPortListFormat,
    }),
    redis_password: leaf({
      doc: 'Redis (and Sentinel) password; empty means none. Best set through the env.',
      default: '',
      format: stringFormat,
      env: 'GITHUB_STATS_REDIS_PASSWORD',
      sensitive: true,
    }),
    redis_db: leaf({ doc: 'Redis logical database index.', default: 0, format: COUNT }),
    key_prefix: leaf({
      doc: 'Prefix of every Redis key the store writes, so fleets can share one Redis.',
      default: 'gse',
      format: keyPrefixFormat,
    }),
    retention: leaf({
      doc: 'A series is removed once its user had no activity in the repo for this long; the first scrape of a repo reads this much history.',
      default: '30d',
      format: POSITIVE_DURATION,
    }),
    gc_interval: leaf({
      doc: 'How often the leading scheduler removes the series and ledger of repos not scraped within store.retention (archived, deleted, dropped from the allowlist).',
      default: '10m',
      format: POSITIVE_DURATION,
    }),
    metric_refresh_interval: leaf({
      doc: 'How often the metrics-gateway rebuilds /metrics from Redis.',
      default: '30s',
      format: POSITIVE_DURATION,
    }),
    index_shards: leaf({
      doc: 'Redis index shards.',
      default: 64,
      format: integerFormat({ min: 0 }),
      ignored: IGNORED_STORE,
    }),
    export_cache_mode: leaf({
      doc: 'Export cache mode.',
      default: 'incremental',
      format: stringFormat,
      ignored: IGNORED_STORE,
    }),
    max_series_budget: leaf({
      doc: 'Most business-metric series the store keeps; writes beyond it are refused and counted.',
      default: 500_000,
      format: POSITIVE_COUNT,
    }),
  },
  health: {
    github_probe_interval: leaf({
      doc: 'How often the leader probes GitHub (/meta).',
      default: '30s',
      format: POSITIVE_DURATION,
    }),
    github_recover_success_threshold: leaf({
      doc: 'Consecutive successful probes needed to leave the unhealthy cooldown.',
      default: 3,
      format: POSITIVE_COUNT,
    }),
  },
};
