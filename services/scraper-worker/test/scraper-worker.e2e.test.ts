import { loadConfig } from '@gse/config';
import { describeServiceLifecycle } from '@gse/lifecycle/testing';

import { createScraperWorker } from '../src/app.js';

describeServiceLifecycle({
  testFileUrl: import.meta.url,
  create: createScraperWorker,
  loadConfig,
  baseEnv: process.env,
});
