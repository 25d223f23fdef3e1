import type { ActivityEvent, ActivityKind, WeeklyLoc } from './activity-event.js';
import { isInActivityWindow, isInRetention, lastCompleteWeek } from './activity-window.js';

/** The eight values of one (org, repo, user) series (DESIGN.md §5). */
export interface UserActivity {
  commits24h: number;
  prsOpened24h: number;
  prsMerged24h: number;
  reviewsSubmitted24h: number;
  issueComments24h: number;
  locAddedWeekly: number;
  locRemovedWeekly: number;
  /** Epoch seconds of the user's latest event in the repo within retention. */
  lastEventUnixtime: number;
}

const WINDOW_FIELD: Record<ActivityKind, keyof UserActivity> = {
  commit: 'commits24h',
  pr_opened: 'prsOpened24h',
  pr_merged: 'prsMerged24h',
  review_submitted: 'reviewsSubmitted24h',
  issue_comment: 'issueComments24h',
};

export interface TallyOptions {
  /** The repo's last successful scrape: the end of the window. */
  readonly scrapedAtMs: number;
  /** `store.retention`: a user with no event inside it has no series. */
  readonly retentionMs: number;
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
    if (!isInRetention(event.occurredAtMs, options.scrapedAtMs, options.retentionMs)) continue;
    let activity = byUser.get(event.user);
    if (!activity) {
      activity = emptyUserActivity();
      byUser.set(event.user, activity);
    }
    if (isInActivityWindow(event.occurredAtMs, options.scrapedAtMs)) {
      activity[WINDOW_FIELD[event.kind]] += 1;
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

function emptyUserActivity(): UserActivity {
  return {
    commits24h: 0,
    prsOpened24h: 0,
    prsMerged24h: 0,
    reviewsSubmitted24h: 0,
    issueComments24h: 0,
    locAddedWeekly: 0,
    locRemovedWeekly: 0,
    lastEventUnixtime: 0,
  };
}
