import { loadConfig } from '@gse/config';
import { runService } from '@gse/lifecycle';

import { createMetricsGateway } from './app.js';

// The only file of the service that touches `process`: config, signals, uncaught errors and
// exit go through it.
await runService({
  packageJsonUrl: new URL('../package.json', import.meta.url),
  // The gateway never talks to GitHub: its pods get no App key, so the key files are not
  // checked (the other services still require them).
  loadConfig: (options) => loadConfig({ ...options, needsGitHubKeys: false }),
  createApp: createMetricsGateway,
  process,
});
