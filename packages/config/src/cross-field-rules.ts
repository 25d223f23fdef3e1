import type { ConfigProblem } from './config-error.js';
import { parseDurationMs } from './duration.js';
import { resolve } from 'node:path';

import { parseHostPort, type HostPort } from './host-port.js';
import { unreadableReason } from './readable-file.js';
import { renderValue } from './render-value.js';
import type { ValidationRule } from './validation-rule.js';
import type { RawFleetConfig } from './raw-config.js';

function problem(path: string, value: unknown, message: string, allowed: string): ConfigProblem {
  return { path, value: renderValue(value, { sensitive: false }), message, allowed };
}

const sentinelRule: ValidationRule = {
  description:
    'With `store.redis_mode: sentinel`, `store.redis_sentinel_addrs` lists at least one address and `store.redis_master_set` is set.',
  reads: ['store.redis_mode', 'store.redis_sentinel_addrs', 'store.redis_master_set'],
  check: ({ raw: { store } }) => {
    if (store.redis_mode !== 'sentinel') return [];
    const problems: ConfigProblem[] = [];
    if (store.redis_sentinel_addrs.length === 0) {
      problems.push(
        problem(
          'store.redis_sentinel_addrs',
          store.redis_sentinel_addrs,
          'must list at least one sentinel when store.redis_mode is sentinel',
          'a non-empty list of host:port',
        ),
      );
    }
    if (store.redis_master_set === '') {
      problems.push(
        problem(
          'store.redis_master_set',
          store.redis_master_set,
          'must be set when store.redis_mode is sentinel',
          'the sentinel master name, e.g. mymaster',
        ),
      );
    }
    return problems;
  },
};

const LOC_BUDGETS = [
  'fallback_max_commits_per_repo_per_week',
  'fallback_max_commit_detail_calls_per_org_per_hour',
] as const;

const locFallbackRule: ValidationRule = {
  description:
    'With `loc.fallback_enabled: true`, `loc.fallback_max_commits_per_repo_per_week` and `loc.fallback_max_commit_detail_calls_per_org_per_hour` are > 0.',
  reads: ['loc.fallback_enabled', ...LOC_BUDGETS.map((key) => `loc.${key}`)],
  check: ({ raw: { loc } }) =>
    loc.fallback_enabled
      ? LOC_BUDGETS.filter((key) => loc[key] <= 0).map((key) =>
          problem(
            `loc.${key}`,
            loc[key],
            'must be greater than zero when loc.fallback_enabled is true',
            'an integer >= 1',
          ),
        )
      : [],
};

/** `shorter` must be strictly shorter than `longer`; both are duration key paths. */
function shorterThan(
  shorterPath: string,
  shorter: string,
  longerPath: string,
  longer: string,
): ConfigProblem[] {
  return parseDurationMs(shorter) < parseDurationMs(longer)
    ? []
    : [
        problem(
          shorterPath,
          shorter,
          `must be shorter than ${longerPath} (${longer})`,
          `a duration < ${longerPath}`,
        ),
      ];
}

const leaderTimingRule: ValidationRule = {
  description:
    '`leader_election.renew_deadline` < `leader_election.lease_duration` (a leader steps down before its lease can pass to another), and `leader_election.retry_period` < `leader_election.renew_deadline` (it gets to retry before giving up).',
  reads: [
    'leader_election.lease_duration',
    'leader_election.renew_deadline',
    'leader_election.retry_period',
  ],
  check: ({ raw: { leader_election: election } }) => [
    ...shorterThan(
      'leader_election.renew_deadline',
      election.renew_deadline,
      'leader_election.lease_duration',
      election.lease_duration,
    ),
    ...shorterThan(
      'leader_election.retry_period',
      election.retry_period,
      'leader_election.renew_deadline',
      election.renew_deadline,
    ),
  ],
};

const retryBackoffRule: ValidationRule = {
  description: '`retry.initial_backoff` <= `retry.max_backoff`.',
  reads: ['retry.initial_backoff', 'retry.max_backoff'],
  check: ({ raw: { retry } }) =>
    parseDurationMs(retry.initial_backoff) <= parseDurationMs(retry.max_backoff)
      ? []
      : [
          problem(
            'retry.initial_backoff',
            retry.initial_backoff,
            `must not be longer than retry.max_backoff (${retry.max_backoff})`,
            'a duration <= retry.max_backoff',
          ),
        ],
};

/** GitHub's secondary points of a mutating request (POST/PATCH/PUT/DELETE, a GraphQL mutation). */
const MUTATING_REQUEST_POINTS = 5;
const POINTS_PER_MINUTE_KEYS = ['rest_points_per_minute', 'graphql_points_per_minute'] as const;

const backgroundPointsRule: ValidationRule = {
  description:
    '`rate_limit.rest_points_per_minute` and `rate_limit.graphql_points_per_minute` × (1 − `rate_limit.scheduled_points_reserve`), rounded down, are ≥ 5: history reads and backfills may spend only that much of a minute, and a mutating request costs 5 points (below it such a request would wait for ever).',
  reads: [
    ...POINTS_PER_MINUTE_KEYS.map((key) => `rate_limit.${key}`),
    'rate_limit.scheduled_points_reserve',
  ],
  check: ({ raw: { rate_limit: limits } }) =>
    POINTS_PER_MINUTE_KEYS.flatMap((key) => {
      const reserve = limits.scheduled_points_reserve;
      const background = Math.floor(limits[key] * (1 - reserve));
      return background >= MUTATING_REQUEST_POINTS
        ? []
        : [
            problem(
              `rate_limit.${key}`,
              limits[key],
              `leaves ${background} points a minute to history reads and backfills after rate_limit.scheduled_points_reserve (${reserve}); a mutating request needs ${MUTATING_REQUEST_POINTS}`,
              `an integer ≥ ${Math.ceil(MUTATING_REQUEST_POINTS / (1 - reserve))}, or a smaller rate_limit.scheduled_points_reserve`,
            ),
          ];
    }),
};

const WILDCARD_HOSTS = new Set(['0.0.0.0', '::']);

function sameSocket(a: HostPort, b: HostPort): boolean {
  if (a.port === 0 || a.port !== b.port) return false;
  return a.host === b.host || WILDCARD_HOSTS.has(a.host) || WILDCARD_HOSTS.has(b.host);
}

const gatewayPortsRule: ValidationRule = {
  description:
    '`server.listen_addr` and `services.metrics_gateway.listen_addr` do not overlap: the metrics-gateway opens both.',
  reads: ['server.listen_addr', 'services.metrics_gateway.listen_addr'],
  check: ({ raw }) => {
    const probes = raw.services.metrics_gateway.listen_addr;
    return sameSocket(parseHostPort(raw.server.listen_addr), parseHostPort(probes))
      ? [
          problem(
            'services.metrics_gateway.listen_addr',
            probes,
            `must not overlap server.listen_addr (${raw.server.listen_addr}): metrics-gateway opens both`,
            'another port than server.listen_addr',
          ),
        ]
      : [];
  },
};

const prefixRule: ValidationRule = {
  description:
    '`store.key_prefix` and `bullmq.prefix` differ and neither is a `:`-separated prefix of the other, so store keys and queue keys cannot collide.',
  reads: ['store.key_prefix', 'bullmq.prefix'],
  check: ({ raw }) => {
    const store = `${raw.store.key_prefix}:`;
    const queues = `${raw.bullmq.prefix}:`;
    return store.startsWith(queues) || queues.startsWith(store)
      ? [
          problem(
            'bullmq.prefix',
            raw.bullmq.prefix,
            `must not share a key namespace with store.key_prefix (${raw.store.key_prefix})`,
            'a prefix distinct from store.key_prefix, e.g. gse-bull',
          ),
        ]
      : [];
  },
};

const metricsTlsRule: ValidationRule = {
  description:
    '`server.tls.cert_path` and `server.tls.key_path` are set together, and both name readable files (relative paths resolve against the config file).',
  reads: ['server.tls.cert_path', 'server.tls.key_path'],
  check: ({ raw: { server }, baseDir }) => {
    const paths = { cert_path: server.tls.cert_path, key_path: server.tls.key_path };
    if (paths.cert_path === '' && paths.key_path === '') return [];
    return Object.entries(paths).flatMap(([key, written]) => {
      if (written === '') {
        return [
          problem(
            `server.tls.${key}`,
            written,
            'must be set when the other server.tls path is',
            'a readable PEM file',
          ),
        ];
      }
      const absolute = resolve(baseDir, written);
      const failure = unreadableReason(absolute);
      return failure === undefined
        ? []
        : [
            problem(
              `server.tls.${key}`,
              written,
              `cannot read ${absolute} (${failure})`,
              'a readable PEM file',
            ),
          ];
    });
  },
};

/** `<section>.basic_username` and `<section>.basic_password` are set together. */
function basicAuthRule(
  section: 'server.auth' | 'services.admin.auth',
  passwordEnv: string,
  authOf: (raw: RawFleetConfig) => { basic_username: string; basic_password: string },
): ValidationRule {
  return {
    description: `\`${section}.basic_username\` and \`${section}.basic_password\` are set together.`,
    reads: [`${section}.basic_username`, `${section}.basic_password`],
    check: ({ raw }) => {
      const { basic_username: username, basic_password: password } = authOf(raw);
      if ((username === '') === (password === '')) return [];
      return username === ''
        ? [
            problem(
              `${section}.basic_username`,
              username,
              `must be set when ${section}.basic_password is`,
              'a user name',
            ),
          ]
        : [
            {
              path: `${section}.basic_password`,
              value: renderValue(password, { sensitive: true }),
              message: `must be set when ${section}.basic_username is`,
              allowed: `a password (best from ${passwordEnv})`,
            },
          ];
    },
  };
}

const metricsBasicAuthRule = basicAuthRule(
  'server.auth',
  'GITHUB_STATS_METRICS_BASIC_PASSWORD',
  (raw) => raw.server.auth,
);

const adminBasicAuthRule = basicAuthRule(
  'services.admin.auth',
  'GITHUB_STATS_ADMIN_BASIC_PASSWORD',
  (raw) => raw.services.admin.auth,
);

const adminPortRule: ValidationRule = {
  description:
    '`services.admin.listen_addr`, when set, overlaps neither `server.listen_addr` nor `services.metrics_gateway.listen_addr`: the metrics-gateway opens all three.',
  reads: [
    'services.admin.listen_addr',
    'server.listen_addr',
    'services.metrics_gateway.listen_addr',
  ],
  check: ({ raw }) => {
    const admin = raw.services.admin.listen_addr;
    if (admin === '') return [];
    const others = [
      ['server.listen_addr', raw.server.listen_addr],
      ['services.metrics_gateway.listen_addr', raw.services.metrics_gateway.listen_addr],
    ] as const;
    return others
      .filter(([, other]) => sameSocket(parseHostPort(admin), parseHostPort(other)))
      .map(([key, other]) =>
        problem(
          'services.admin.listen_addr',
          admin,
          `must not overlap ${key} (${other}): metrics-gateway opens both`,
          `another port than ${key}`,
        ),
      );
  },
};

const copilotEnterpriseRule: ValidationRule = {
  description:
    'With `copilot.enabled` and `copilot.enterprise.enabled`, `copilot.enterprise.slug` is set, `app_id` and `installation_id` are > 0, and `private_key_path` names a readable file (not checked in demo mode nor by the metrics-gateway).',
  reads: ['copilot.enabled', 'copilot.enterprise', 'demo.enabled'],
  check: ({ raw: { copilot, demo }, baseDir, needsGitHubKeys }) => {
    const { enterprise } = copilot;
    if (!copilot.enabled || !enterprise.enabled) return [];
    const problems: ConfigProblem[] = [];
    if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/.test(enterprise.slug)) {
      problems.push(
        problem(
          'copilot.enterprise.slug',
          enterprise.slug,
          'must be the enterprise slug',
          'letters, digits, - and _',
        ),
      );
    }
    for (const key of ['app_id', 'installation_id'] as const) {
      if (enterprise[key] <= 0) {
        problems.push(
          problem(
            `copilot.enterprise.${key}`,
            enterprise[key],
            'must be set when copilot.enterprise.enabled is true',
            'an integer >= 1',
          ),
        );
      }
    }
    if (demo.enabled || !needsGitHubKeys) return problems;
    const absolute = resolve(baseDir, enterprise.private_key_path);
    const failure = enterprise.private_key_path === '' ? 'not set' : unreadableReason(absolute);
    if (failure !== undefined) {
      problems.push(
        problem(
          'copilot.enterprise.private_key_path',
          enterprise.private_key_path,
          `cannot read the key file ${absolute} (${failure})`,
          'a readable PEM file',
        ),
      );
    }
    return problems;
  },
};

/** An HMAC key shorter than this is guessable by brute force over the label space. */
const MIN_SALT_LENGTH = 16;

const copilotSaltRule: ValidationRule = {
  description: `With \`copilot.user_label_mode: hashed\`, \`copilot.user_label_salt\` has at least ${MIN_SALT_LENGTH} characters.`,
  reads: ['copilot.user_label_mode', 'copilot.user_label_salt'],
  check: ({ raw: { copilot } }) =>
    copilot.user_label_mode === 'hashed' && copilot.user_label_salt.length < MIN_SALT_LENGTH
      ? [
          {
            path: 'copilot.user_label_salt',
            value: renderValue(copilot.user_label_salt, { sensitive: true }),
            message: 'must be set when copilot.user_label_mode is hashed',
            allowed: `a secret of at least ${MIN_SALT_LENGTH} characters (best from GITHUB_STATS_COPILOT_USER_LABEL_SALT)`,
          },
        ]
      : [],
};

const tracingEndpointRule: ValidationRule = {
  description:
    'With `telemetry.otel_enabled: true` and `telemetry.otel_trace_mode` other than `off`, `telemetry.otel_exporter_otlp_endpoint` is set.',
  reads: [
    'telemetry.otel_enabled',
    'telemetry.otel_trace_mode',
    'telemetry.otel_exporter_otlp_endpoint',
  ],
  check: ({ raw: { telemetry } }) =>
    telemetry.otel_enabled &&
    telemetry.otel_trace_mode !== 'off' &&
    telemetry.otel_exporter_otlp_endpoint === ''
      ? [
          problem(
            'telemetry.otel_exporter_otlp_endpoint',
            telemetry.otel_exporter_otlp_endpoint,
            'must be set when tracing is on',
            'the collector URL, e.g. http://otel-collector:4318',
          ),
        ]
      : [],
};

/** The rules across sections, in the order their problems are reported. */
export const CROSS_FIELD_RULES: readonly ValidationRule[] = [
  sentinelRule,
  locFallbackRule,
  leaderTimingRule,
  retryBackoffRule,
  backgroundPointsRule,
  gatewayPortsRule,
  prefixRule,
  metricsTlsRule,
  metricsBasicAuthRule,
  adminPortRule,
  adminBasicAuthRule,
  copilotEnterpriseRule,
  copilotSaltRule,
  tracingEndpointRule,
];
