import { randomUUID } from 'node:crypto';

import { loadConfig } from '@gse/config';
import { describeServiceLifecycle, removeRedisKeys } from '@gse/testing';
import { afterAll } from 'vitest';

import { createMetricsGateway } from '../src/app.js';

const keyPrefix = `test-${randomUUID()}`;
afterAll(() => removeRedisKeys(keyPrefix));

describeServiceLifecycle({
  testFileUrl: import.meta.url,
  create: createMetricsGateway,
  loadConfig,
  servers: ['probe', 'public'],
  baseEnv: process.env,
  keyPrefix,
});
