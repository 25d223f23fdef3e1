import { defineConfig } from 'vitest/config';

// One config for every workspace package: each package's `test` script points here, so
// resolution (TypeScript sources through the `@gse/source` condition) and timeouts are the
// same everywhere.
export default defineConfig({
  resolve: { conditions: ['@gse/source'] },
  ssr: { resolve: { conditions: ['@gse/source'] } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
