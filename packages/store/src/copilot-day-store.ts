import type { Redis } from 'ioredis';

import { createStoreKeys } from './store-keys.js';

/** The days a Copilot scope's series are computed over (`YYYY-MM-DD`, both included). */
export interface CopilotWindow {
  readonly startDay: string;
  readonly endDay: string;
}

/**
 * Copilot users-report records by scope and day, so a day recovered by a 1-day report joins
 * the days the 28-day report brought, and the series are recomputed from complete days.
 * Records are opaque here (the collector encodes them); a day is replaced whole.
 */
export interface CopilotDayStore {
  /** Replaces each given day's records (an empty list: a day known to have none). */
  putDays(scopeKey: string, days: ReadonlyMap<string, string>): Promise<void>;
  /** The stored records of each day, `undefined` for a day never stored. */
  readDays(scopeKey: string, days: readonly string[]): Promise<Map<string, string | undefined>>;
  getWindow(scopeKey: string): Promise<CopilotWindow | undefined>;
  setWindow(scopeKey: string, window: CopilotWindow): Promise<void>;
}

export interface CopilotDayStoreOptions {
  readonly redis: Redis;
  /** `store.key_prefix`. */
  readonly keyPrefix: string;
}

/** GitHub keeps a year of daily reports; days older than the window are dropped as it moves. */
const KEEP_DAYS = 35;

export function createRedisCopilotDayStore(options: CopilotDayStoreOptions): CopilotDayStore {
  const { redis } = options;
  const keys = createStoreKeys(options.keyPrefix);
  return {
    async putDays(scopeKey, days) {
      if (days.size === 0) return;
      const key = keys.copilotDays(scopeKey);
      await redis.hset(key, Object.fromEntries(days));
      const stored = (await redis.hkeys(key)).sort();
      const stale = stored.slice(0, Math.max(0, stored.length - KEEP_DAYS));
      if (stale.length > 0) await redis.hdel(key, ...stale);
    },
    async readDays(scopeKey, days) {
      const values =
        days.length === 0 ? [] : await redis.hmget(keys.copilotDays(scopeKey), ...days);
      return new Map(days.map((day, index) => [day, values[index] ?? undefined]));
    },
    async getWindow(scopeKey) {
      const text = await redis.get(keys.copilotWindow(scopeKey));
      if (text === null) return undefined;
      const parsed = JSON.parse(text) as Partial<CopilotWindow>;
      return typeof parsed.startDay === 'string' && typeof parsed.endDay === 'string'
        ? { startDay: parsed.startDay, endDay: parsed.endDay }
        : undefined;
    },
    async setWindow(scopeKey, window) {
      await redis.set(keys.copilotWindow(scopeKey), JSON.stringify(window));
    },
  };
}
