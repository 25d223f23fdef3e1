import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

import type { RedisFixture } from '@gse/testing';

/** Redis memory of the store's per-repo keys, by what they hold. */
export interface StoreFootprint {
  readonly series: number;
  /** `MEMORY USAGE` of the repos' series hashes. */
  readonly seriesBytes: number;
  readonly ledgerEvents: number;
  /** `MEMORY USAGE` of the repos' ledgers (`events` ZSET and `event-users` HASH). */
  readonly ledgerBytes: number;
  /** Every other key of the run's prefix: checkpoints, LOC, ETags, budgets, indexes. */
  readonly otherBytes: number;
  readonly keys: number;
}

const BATCH = 500;

/**
 * Sums `MEMORY USAGE … SAMPLES 0` (exact, every element) over every key under `keyPrefix`,
 * split into the series hashes (`…:series`, `HLEN` series each), the ledgers
 * (`…:events`, `ZCARD` events each, with their `…:event-users`) and the rest.
 */
export async function measureStoreFootprint(
  redis: RedisFixture['redis'],
  keyPrefix: string,
): Promise<StoreFootprint> {
  const keys: string[] = [];
  for await (const batch of redis.scanStream({ match: `${keyPrefix}:*`, count: 1000 })) {
    keys.push(...(batch as string[]));
  }
  const footprint = {
    series: 0,
    seriesBytes: 0,
    ledgerEvents: 0,
    ledgerBytes: 0,
    otherBytes: 0,
    keys: keys.length,
  };
  for (let start = 0; start < keys.length; start += BATCH) {
    const batch = keys.slice(start, start + BATCH);
    const pipeline = redis.pipeline();
    for (const key of batch) {
      pipeline.memory('USAGE', key, 'SAMPLES', 0);
      if (key.endsWith(':series')) pipeline.hlen(key);
      else if (key.endsWith(':events')) pipeline.zcard(key);
    }
    const replies = (await pipeline.exec()) ?? [];
    let reply = 0;
    const next = (): number => Number(replies[reply++]?.[1] ?? 0);
    for (const key of batch) {
      const bytes = next();
      if (key.endsWith(':series')) {
        footprint.seriesBytes += bytes;
        footprint.series += next();
      } else if (key.endsWith(':events')) {
        footprint.ledgerBytes += bytes;
        footprint.ledgerEvents += next();
      } else if (key.endsWith(':event-users')) {
        footprint.ledgerBytes += bytes;
      } else {
        footprint.otherBytes += bytes;
      }
    }
  }
  return footprint;
}

/** Two scrapes of the metrics-gateway's `/metrics` over the store at its size. */
export interface GatewayRender {
  /** First scrape of a fresh gateway: Redis read pass, render, transfer. */
  readonly coldMs: number;
  /** Next scrape: the snapshot reused, the body rendered again. */
  readonly warmMs: number;
  readonly bytes: number;
  /** Lines of the business families (`gh_activity_…`): eight per series. */
  readonly activitySamples: number;
}

interface GatewayReady {
  readonly kind: 'ready';
  readonly publicAddress: { readonly host: string; readonly port: number };
}

/**
 * The gateway benchmark's child (`services/metrics-gateway/bench/gateway-process.ts`: the
 * real service, as `main.ts` runs it) on the run's key prefix, forked by path: a process of
 * its own, and no dependency of this package on a service.
 */
const GATEWAY_PROCESS = fileURLToPath(
  new URL('../../../services/metrics-gateway/bench/gateway-process.ts', import.meta.url),
);

async function timedScrape(url: string): Promise<{ ms: number; body: string }> {
  const startedAt = performance.now();
  // Uncompressed, as the gateway benchmark's cold and warm scrapes.
  const response = await fetch(url, { headers: { 'accept-encoding': 'identity' } });
  const body = await response.text();
  if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
  return { ms: performance.now() - startedAt, body };
}

export async function measureGatewayRender(keyPrefix: string): Promise<GatewayRender> {
  const child = fork(GATEWAY_PROCESS, [keyPrefix], {
    execArgv: ['--import', 'tsx', '--conditions=@gse/source'],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const exited = once(child, 'exit');
  try {
    const [message] = (await Promise.race([
      once(child, 'message'),
      exited.then(([code]) => {
        throw new Error(`the gateway exited (${String(code)}) before it was ready`);
      }),
    ])) as [GatewayReady];
    const { host, port } = message.publicAddress;
    const url = `http://${host}:${port}/metrics`;
    const cold = await timedScrape(url);
    const warm = await timedScrape(url);
    return {
      coldMs: cold.ms,
      warmMs: warm.ms,
      bytes: Buffer.byteLength(cold.body),
      activitySamples: cold.body.split('\n').filter((line) => line.startsWith('gh_activity_'))
        .length,
    };
  } finally {
    child.send('stop');
    await exited;
  }
}
