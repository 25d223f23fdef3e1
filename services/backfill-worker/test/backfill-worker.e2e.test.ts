import { loadConfig } from '@gse/config';
import { describeServiceLifecycle } from '@gse/lifecycle/testing';

import { createBackfillWorker } from '../src/app.js';

describeServiceLifecycle({
  testFileUrl: import.meta.url,
  create: createBackfillWorker,
  loadConfig,
  baseEnv: process.env,
});
