import { loadConfig } from '@gse/config';
import { describeServiceLifecycle } from '@gse/lifecycle/testing';

import { createScheduler } from '../src/app.js';

describeServiceLifecycle({
  testFileUrl: import.meta.url,
  create: createScheduler,
  loadConfig,
  baseEnv: process.env,
});
