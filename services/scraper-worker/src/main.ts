import { loadConfig } from '@gse/config';
import { runService } from '@gse/lifecycle';

import { createScraperWorker } from './app.js';

// The only file of the service that touches `process`: config, signals, uncaught errors and
// exit go through it.
await runService({
  packageJsonUrl: new URL('../package.json', import.meta.url),
  loadConfig,
  createApp: createScraperWorker,
  process,
});
