import { randomUUID } from 'node:crypto';

import { loadConfig } from '@gse/config';
import { describeServiceLifecycle, removeRedisKeys } from '@gse/testing';
import { afterAll } from 'vitest';

import { createScheduler } from '../src/app.js';

const keyPrefix = `test-${randomUUID()}`;
afterAll(() => removeRedisKeys(keyPrefix));

describeServiceLifecycle({
  testFileUrl: import.meta.url,
  create: createScheduler,
  loadConfig,
  baseEnv: process.env,
  keyPrefix,
});
