import type { GitHubClient } from '@gse/github';
import {
  isCopilotBackfillResource,
  type BackfillHandler,
  type BackfillMessage,
  type BackfillOutcome,
} from '@gse/queues';

import { toBackfillDays } from './copilot-days.js';
import {
  backfillCopilotDays,
  toCopilotTargetOf,
  type CopilotSyncDeps,
  type CopilotTarget,
} from './sync-copilot-scope.js';

export interface CopilotBackfillDeps extends Omit<CopilotSyncDeps, 'client' | 'logger' | 'signal'> {
  /** The scope's App client, or `undefined` when this fleet does not read that scope. */
  clientOf(target: CopilotTarget): Promise<GitHubClient> | undefined;
  /** The service's shutdown. */
  readonly signal: AbortSignal;
}

/** The Copilot report a backfill message names, or `undefined` for any other kind. */
export function toCopilotTarget(message: BackfillMessage): CopilotTarget | undefined {
  return isCopilotBackfillResource(message.resource)
    ? toCopilotTargetOf(message.resource, message.org)
    : undefined;
}

/**
 * The backfill worker's handler of Copilot messages: the message's whole days, minus those
 * still inside the report lag (never asked: GitHub has none yet), each read with its 1-day
 * report (users or aggregate, as the message's resource says); the scope is republished once
 * they are in. The enterprise is a scope of its own
 * with its own App, never looked up as an org.
 */
export function createCopilotBackfillHandler(deps: CopilotBackfillDeps): BackfillHandler {
  const now = deps.now ?? Date.now;
  return async (message, context): Promise<BackfillOutcome> => {
    const target = toCopilotTarget(message);
    if (!target) {
      return failed('worker_error', `not a Copilot backfill: ${message.resource}`, true);
    }
    const client = deps.clientOf(target);
    if (!client) {
      // Another replica's config may have it (a rollout in progress): retrying can help.
      return failed(
        'copilot_scope_unknown',
        `Copilot ${target.scope} ${target.id} is not configured`,
        false,
      );
    }
    const days = toBackfillDays(message.window, now(), deps.options.lagDays);
    if (days.length === 0) return { kind: 'done' };
    const outcome = await backfillCopilotDays(
      {
        ...deps,
        client: await client,
        logger: context.logger,
        signal: AbortSignal.any([deps.signal, context.signal]),
      },
      target,
      days,
    );
    return outcome.kind === 'done'
      ? { kind: 'done' }
      : failed(outcome.reason, outcome.error, outcome.permanent);
  };
}

const failed = (reason: string, error: string, permanent: boolean): BackfillOutcome => ({
  kind: 'failed',
  reason,
  error,
  permanent,
});
