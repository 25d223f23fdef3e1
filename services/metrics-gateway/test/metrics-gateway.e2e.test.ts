import { loadConfig } from '@gse/config';
import { describeServiceLifecycle } from '@gse/lifecycle/testing';

import { createMetricsGateway } from '../src/app.js';

describeServiceLifecycle({
  testFileUrl: import.meta.url,
  create: createMetricsGateway,
  loadConfig,
  servers: ['probe', 'public'],
  baseEnv: process.env,
});
