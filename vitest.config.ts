import { defineConfig } from 'vitest/config';

// Unit tests sit beside the code (`src/**/*.test.ts`): milliseconds each, no Redis, RabbitMQ
// or simulator process. Integration tests sit in `test/` and meet the real services in the
// test's own process. The patterns hold both inside a package (its `test` script points here)
// and at the root (`pnpm test:unit`, one process over every package).
const UNIT_TESTS = [
  'src/**/*.test.ts',
  '{packages,services}/*/src/**/*.test.ts',
  'tools/src/**/*.test.ts',
  // Benchmarks' pure report logic (tools/bench): `bench/…` when a package's `test` script runs
  // from its own directory, `tools/bench/…` from the root.
  'bench/**/*.test.ts',
  'tools/bench/**/*.test.ts',
];
const INTEGRATION_TESTS = ['test/**/*.test.ts'];
// End-to-end (`*.e2e.test.ts`): the services as real processes, alone or as a fleet, against
// the simulator. Minutes of them, so `npm test` leaves them to `npm run test:e2e`, which sets
// GSE_TEST_E2E and runs them one file at a time from the root (processes of two fleets at
// once would starve each other's deadlines).
const E2E_TESTS = ['**/*.e2e.test.ts'];
// Faults and load (`*.fault.test.ts`): brokers restarted or blocked, processes killed, queues
// flooded. Minutes of them, so `npm test` leaves them to `npm run test:faults`, which sets
// GSE_TEST_FAULTS and runs them one file at a time from the root.
const FAULT_TESTS = ['**/*.fault.test.ts'];
const withE2e = process.env['GSE_TEST_E2E'] === '1';
const withFaults = process.env['GSE_TEST_FAULTS'] === '1';

// One config for every workspace package: each package's `test` script points here, so
// resolution (TypeScript sources through the `@gse/source` condition) and timeouts are the
// same everywhere.
export default defineConfig({
  resolve: { conditions: ['@gse/source'] },
  ssr: { resolve: { conditions: ['@gse/source'] } },
  test: {
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: UNIT_TESTS,
          exclude: ['**/node_modules/**'],
          testTimeout: 5_000,
          hookTimeout: 5_000,
          // Pure code needs no fresh module graph per file; sharing one per worker took
          // `pnpm test:unit` from 47 s to 17 s on the 2-core CI machine (measured).
          isolate: false,
        },
      },
      {
        extends: true,
        // Files run one at a time: vitest's default (cores - 1 workers) on the 2-core CI
        // machine, and kept so. Two at once failed each of three runs while other work
        // loaded the machine (scrape tests past their 30 s timeout, a promtool call past its
        // deadline, a reset keep-alive connection to the simulator); one at a time passed
        // under like load.
        test: {
          name: 'integration',
          include: INTEGRATION_TESTS,
          exclude: ['**/node_modules/**', ...E2E_TESTS, ...FAULT_TESTS],
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      ...(withE2e
        ? [
            {
              extends: true as const,
              test: {
                name: 'e2e',
                include: [
                  '{packages,services}/*/test/**/*.e2e.test.ts',
                  'tools/test/**/*.e2e.test.ts',
                ],
                // Starting three processes and waiting out several cycles: 30 s was too
                // little for tools/test/history-rewrites on the loaded machine (measured).
                testTimeout: 60_000,
                hookTimeout: 60_000,
                fileParallelism: false,
              },
            },
          ]
        : []),
      ...(withFaults
        ? [
            {
              extends: true as const,
              test: {
                name: 'faults',
                include: [
                  '{packages,services}/*/test/**/*.fault.test.ts',
                  'tools/test/**/*.fault.test.ts',
                ],
                testTimeout: 30_000,
                hookTimeout: 30_000,
                fileParallelism: false,
              },
            },
          ]
        : []),
    ],
  },
});
