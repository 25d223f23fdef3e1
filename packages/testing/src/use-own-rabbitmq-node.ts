import { afterAll, beforeAll } from 'vitest';

import { startOwnRabbitMqNode, type OwnRabbitMqNode } from './own-rabbitmq-node.js';

/** The node's members a test uses; the file owns its start and disposal. */
export type FileRabbitMqNode = Pick<OwnRabbitMqNode, 'port' | 'url' | 'nodeName' | 'rabbitmqctl'>;

// A node boots in ~8 s here; several times that on a loaded CI runner.
const START_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 60_000;

/**
 * A RabbitMQ node of the calling test file's own ({@link startOwnRabbitMqNode}), started in
 * `beforeAll` and disposed in `afterAll`, for tests that restart, block or cut the broker.
 * Its members may be used inside tests and hooks only.
 */
export function useOwnRabbitMqNode(): FileRabbitMqNode {
  let node: OwnRabbitMqNode | undefined;
  beforeAll(async () => {
    node = await startOwnRabbitMqNode();
  }, START_TIMEOUT_MS);
  afterAll(async () => {
    await node?.dispose();
  }, STOP_TIMEOUT_MS);
  const started = (): OwnRabbitMqNode => {
    if (!node) throw new Error("the file's RabbitMQ node is used before beforeAll started it");
    return node;
  };
  return {
    get port() {
      return started().port;
    },
    get url() {
      return started().url;
    },
    get nodeName() {
      return started().nodeName;
    },
    rabbitmqctl: (...args) => started().rabbitmqctl(...args),
  };
}
