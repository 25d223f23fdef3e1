import type { ActivityEvent, WeeklyLoc } from './activity-event.js';
import { ACTIVITY_FIELDS, type UserActivity } from './activity-metrics.js';
import { isInActivityWindow, isInRetention, lastCompleteWeek } from './activity-window.js';
import { toCountedField, type ActivityKind } from './scrape-catalog.js';

export interface TallyOptions {
  /** The repo's last successful scrape: the end of the window. */
  readonly scrapedAtMs: number;
  /** `store.retention`: a user with no event inside it has no series. */
  readonly retentionMs: number;
  /** The kinds counted (`toActivityScope`); events of other kinds are skipped. Default: all. */
  readonly kinds?: ReadonlySet<ActivityKind>;
  /**
   * `github.exclude_bots`: users whose login ends in `[bot]` get no series. Applied here,
   * when series are computed, not when events are recorded: the ledger keeps bots' events,
   * so switching it off brings their history back at the next refresh without a re-read.
   */
  readonly excludeBots?: boolean;
  /**
   * Set while the repo's history is pending (its first read covered only the last 24 h):
   * the ledger holds every event after this instant (epoch ms), not yet every one before.
   * Older events are then ignored, so a user appears once they have an event after it, and
   * their `lastEventUnixtime` is exact (it is at least this instant); users whose only
   * events are older appear when the history is in. Absent or 0: the ledger is complete
   * back to retention.
   */
  readonly completeFromMs?: number;
}

// A bot's label may carry its id (`toUserLabel`: `dependabot[bot]#49699333`).
const BOT_LOGIN = /\[bot\](?:#\d+)?$/;

/** Whether a login or `user` label is a GitHub App's bot account (`dependabot[bot]`). */
export function isBotLogin(login: string): boolean {
  return BOT_LOGIN.test(login);
}

/**
 * Folds a repo's events and weekly LOC into per-user series. A user has a series exactly when
 * they have an event within retention; a quiet window reads 0; LOC comes from the last
 * complete week and never creates a series on its own (it derives from commits, which do).
 */
export function tallyRepoActivity(
  events: Iterable<ActivityEvent>,
  weeklyLoc: Iterable<WeeklyLoc>,
  options: TallyOptions,
): Map<string, UserActivity> {
  const byUser = new Map<string, UserActivity>();
  for (const event of events) {
    if (options.kinds && !options.kinds.has(event.kind)) continue;
    if (options.excludeBots === true && isBotLogin(event.user)) continue;
    if (!isInRetention(event.occurredAtMs, options.scrapedAtMs, options.retentionMs)) continue;
    if (event.occurredAtMs <= (options.completeFromMs ?? 0)) continue;
    let activity = byUser.get(event.user);
    if (!activity) {
      activity = toEmptyUserActivity();
      byUser.set(event.user, activity);
    }
    if (isInActivityWindow(event.occurredAtMs, options.scrapedAtMs)) {
      activity[toCountedField(event.kind)] += 1;
    }
    activity.lastEventUnixtime = Math.max(
      activity.lastEventUnixtime,
      Math.floor(event.occurredAtMs / 1000),
    );
  }
  const week = lastCompleteWeek(options.scrapedAtMs);
  for (const loc of weeklyLoc) {
    const activity = byUser.get(loc.user);
    if (!activity || loc.weekStartMs !== week.startMs) continue;
    activity.locAddedWeekly += loc.additions;
    activity.locRemovedWeekly += loc.deletions;
  }
  return byUser;
}

/** A series with every field of the catalog at 0. */
export function toEmptyUserActivity(): UserActivity {
  return Object.fromEntries(ACTIVITY_FIELDS.map((field) => [field, 0])) as UserActivity;
}
