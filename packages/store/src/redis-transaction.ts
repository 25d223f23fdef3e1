import type { ChainableCommander } from 'ioredis';

/** Runs a transaction and returns its replies as numbers; throws the first command error. */
export async function execOrThrow(transaction: ChainableCommander): Promise<number[]> {
  const results = (await transaction.exec()) ?? [];
  const failed = results.find(([error]) => error !== null);
  if (failed?.[0]) throw failed[0];
  return results.map(([, value]) => Number(value));
}

/** Runs a pipeline and returns its replies in order; throws the first command error. */
export async function execPipeline<T>(pipeline: ChainableCommander): Promise<T[]> {
  const results = (await pipeline.exec()) ?? [];
  const failed = results.find(([error]) => error !== null);
  if (failed?.[0]) throw failed[0];
  return results.map(([, value]) => value as T);
}
