import type { SimLimits } from '../src/index.js';

/**
 * GitHub's documented limits for an installation (docs/github-limitations.md), written out
 * apart from the simulator's `DEFAULT_SIM_LIMITS`, so tests hold its defaults to the docs
 * rather than to themselves.
 */
export const GITHUB_DOCUMENTED_LIMITS: SimLimits = {
  restPrimaryPerHour: 5000,
  restPrimaryStatus: 403,
  restSecondaryPointsPerMinute: 900,
  maxConcurrent: 100,
  graphqlPrimaryPointsPerHour: 5000,
  graphqlSecondaryPointsPerMinute: 2000,
  secondaryStatus: 403,
  concurrencyRetryAfterSeconds: 60,
};
