import { createHash } from 'node:crypto';

import { DAY_MS } from '../dataset/sim-time.js';
import type { SimDataset } from '../model.js';

/**
 * Copilot usage as the simulator reports it: who uses Copilot in which org, and a
 * deterministic record per user per active day, derived from a hash of (seed, org, user,
 * day), so any day of any year has data without storing it and the ground truth reads the
 * same records the endpoints serve.
 */
export interface CopilotWorld {
  readonly seed: number;
  /** Org login → the Copilot seat holders of that org (each in one org only). */
  readonly orgs: ReadonlyMap<string, readonly CopilotSeat[]>;
  readonly enterprise: CopilotEnterprise | undefined;
  /**
   * Days between a day's end and its report: GitHub documents reports lagging about two
   * days (docs/github-limitations.md#copilot-usage-reports); the latest 28-day report ends
   * `lagDays` before today (UTC) and a 1-day report inside the lag is not there yet.
   */
  readonly lagDays: number;
}

export interface CopilotSeat {
  readonly id: number;
  readonly login: string;
}

/** The enterprise owning some orgs, with its own GitHub App installation. */
export interface CopilotEnterprise {
  readonly slug: string;
  readonly id: number;
  readonly appId: number;
  readonly installationId: number;
  /** Orgs of the enterprise: its reports carry their seat holders' records. */
  readonly orgs: readonly string[];
}

/** The seven per-record usage counts of GitHub's user report, by JSON field name. */
export const COPILOT_SIM_FIELDS = [
  'user_initiated_interaction_count',
  'code_generation_activity_count',
  'code_acceptance_activity_count',
  'loc_suggested_to_add_sum',
  'loc_suggested_to_delete_sum',
  'loc_added_sum',
  'loc_deleted_sum',
] as const;
export type CopilotSimField = (typeof COPILOT_SIM_FIELDS)[number];
export type CopilotSimCounts = Record<CopilotSimField, number>;

const IDES = ['vscode', 'jetbrains', 'neovim'] as const;
const FEATURES = [
  'code_completion',
  'chat_panel_ask_mode',
  'chat_panel_agent_mode',
  'agent_edit',
] as const;
const LANGUAGES = ['typescript', 'go', 'python', 'unknown'] as const;
const MODELS = ['gpt-4.1', 'claude-sonnet-4', 'gemini-2.5-pro'] as const;

/** One NDJSON line of a users report, shaped as GitHub documents it. */
export type CopilotUserRecord = Record<string, unknown> & {
  readonly user_id: number;
  readonly user_login: string;
  readonly day: string;
};

export interface CopilotWorldOptions {
  readonly seed: number;
  /** Orgs with Copilot seats; each non-bot user of the dataset holds a seat in one of them. */
  readonly orgs: readonly string[];
  readonly enterprise?: CopilotEnterprise;
  /** Default 2. */
  readonly lagDays?: number;
}

/** Spreads the dataset's non-bot users over the given orgs, round robin by user id. */
export function createCopilotWorld(
  dataset: SimDataset,
  options: CopilotWorldOptions,
): CopilotWorld {
  const seats = new Map<string, CopilotSeat[]>(options.orgs.map((org) => [org, []]));
  const humans = dataset.users.filter((user) => user.type === 'User').sort((a, b) => a.id - b.id);
  humans.forEach((user, index) => {
    const org = options.orgs[index % options.orgs.length];
    if (org !== undefined) seats.get(org)?.push({ id: user.id, login: user.login });
  });
  return {
    seed: options.seed,
    orgs: seats,
    enterprise: options.enterprise,
    lagDays: options.lagDays ?? 2,
  };
}

/** `YYYY-MM-DD` of an epoch ms (UTC). */
export function toCopilotDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Epoch ms of a `YYYY-MM-DD` day's 00:00 UTC, or `undefined` when it is not a day. */
export function parseCopilotDay(day: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined;
  const ms = Date.parse(`${day}T00:00:00Z`);
  return Number.isNaN(ms) || toCopilotDay(ms) !== day ? undefined : ms;
}

/** The newest day any report covers at `nowMs`: today (UTC) minus the lag. */
export function latestReportDay(world: CopilotWorld, nowMs: number): string {
  return toCopilotDay(Math.floor(nowMs / DAY_MS) * DAY_MS - world.lagDays * DAY_MS);
}

/** The 28 days of the report ending on `endDay`, oldest first. */
export function reportDays(endDay: string, length = 28): string[] {
  const endMs = parseCopilotDay(endDay);
  if (endMs === undefined) throw new Error(`not a day: ${endDay}`);
  return Array.from({ length }, (_, index) => toCopilotDay(endMs - (length - 1 - index) * DAY_MS));
}

/** Seats whose records a scope's report carries: the org's, or every enterprise org's. */
export function seatsOf(
  world: CopilotWorld,
  scope: 'org' | 'enterprise',
  id: string,
): { readonly org: string; readonly seat: CopilotSeat }[] {
  const orgs = scope === 'org' ? [id] : world.enterprise?.slug === id ? world.enterprise.orgs : [];
  return orgs.flatMap((org) => (world.orgs.get(org) ?? []).map((seat) => ({ org, seat })));
}

/** A stream of numbers from a hash of the parts; deterministic across runs and machines. */
function hashStream(parts: readonly (string | number)[]): () => number {
  let block = 0;
  let buffer = Buffer.alloc(0);
  let offset = 0;
  return () => {
    if (offset + 4 > buffer.length) {
      buffer = createHash('sha256')
        .update(`${parts.join('\n')}\n${block}`)
        .digest();
      block += 1;
      offset = 0;
    }
    const value = buffer.readUInt32BE(offset);
    offset += 4;
    return value;
  };
}

function zeroCounts(): CopilotSimCounts {
  return Object.fromEntries(COPILOT_SIM_FIELDS.map((field) => [field, 0])) as CopilotSimCounts;
}

function addCounts(into: CopilotSimCounts, from: CopilotSimCounts): void {
  for (const field of COPILOT_SIM_FIELDS) into[field] += from[field];
}

/**
 * The seat holder's record of `day` in `org`, or `undefined` on a day without Copilot use.
 * Nested breakdowns follow GitHub's example schema: `totals_by_ide`, `totals_by_feature`,
 * `totals_by_language_feature` (no `user_initiated_interaction_count`, as GitHub's example)
 * and `totals_by_model_feature` (chat features only: completions have no model breakdown).
 */
export function copilotRecordOf(
  world: CopilotWorld,
  org: string,
  seat: CopilotSeat,
  day: string,
): CopilotUserRecord | undefined {
  const next = hashStream([world.seed, org, seat.id, day]);
  if (next() % 100 >= 60) return undefined;
  const pick = <T>(values: readonly T[]): T => values[next() % values.length] as T;
  const ide = pick(IDES);
  const features = FEATURES.filter(() => next() % 2 === 0);
  if (features.length === 0) features.push('code_completion');
  const total = zeroCounts();
  const byFeature: Record<string, unknown>[] = [];
  const byLanguage: Record<string, unknown>[] = [];
  const byModel: Record<string, unknown>[] = [];
  for (const feature of features) {
    const counts = zeroCounts();
    const isChat = feature.startsWith('chat_panel');
    const isAgentEdit = feature === 'agent_edit';
    counts.user_initiated_interaction_count = isChat ? 1 + (next() % 12) : 0;
    counts.code_generation_activity_count = 1 + (next() % 20);
    counts.code_acceptance_activity_count = next() % (counts.code_generation_activity_count + 1);
    counts.loc_suggested_to_add_sum = isAgentEdit ? 0 : next() % 200;
    counts.loc_added_sum = isAgentEdit
      ? next() % 120
      : next() % (counts.loc_suggested_to_add_sum + 1);
    counts.loc_deleted_sum = isAgentEdit ? next() % 50 : 0;
    addCounts(total, counts);
    byFeature.push({ feature, ...counts });
    // GitHub's example of totals_by_language_feature has no user_initiated_interaction_count.
    const languageCounts: Partial<CopilotSimCounts> = { ...counts };
    delete languageCounts.user_initiated_interaction_count;
    byLanguage.push({ language: pick(LANGUAGES), feature, ...languageCounts });
    if (isChat || isAgentEdit) byModel.push({ model: pick(MODELS), feature, ...counts });
  }
  const enterprise = world.enterprise?.orgs.includes(org) ? world.enterprise : undefined;
  return {
    day,
    ...(enterprise ? { enterprise_id: String(enterprise.id) } : {}),
    organization_id: org,
    user_id: seat.id,
    user_login: seat.login,
    ...total,
    totals_by_ide: [
      {
        ide,
        ...total,
        last_known_ide_version: { ide_version: '1.99.0', sampled_at: `${day}T12:00:00.000Z` },
      },
    ],
    totals_by_feature: byFeature,
    totals_by_language_feature: byLanguage,
    totals_by_model_feature: byModel,
    totals_by_language_model: [],
    used_agent: features.includes('chat_panel_agent_mode') || features.includes('agent_edit'),
    used_chat: features.some((feature) => feature.startsWith('chat_panel')),
    used_cli: false,
  };
}

/** Every record of a scope's users report over `days`, in (day, user id) order. */
export function copilotRecordsOf(
  world: CopilotWorld,
  scope: 'org' | 'enterprise',
  id: string,
  days: readonly string[],
): CopilotUserRecord[] {
  const seats = seatsOf(world, scope, id).sort((a, b) => a.seat.id - b.seat.id);
  return days.flatMap((day) =>
    seats.flatMap(({ org, seat }) => {
      const record = copilotRecordOf(world, org, seat, day);
      return record ? [record] : [];
    }),
  );
}

/** The standard world's enterprise: it owns both standard orgs (`acme`, `globex`). */
export const STANDARD_COPILOT_ENTERPRISE: CopilotEnterprise = {
  slug: 'acme-holdings',
  id: 7001,
  appId: 201,
  installationId: 2001,
  orgs: ['acme', 'globex'],
};
