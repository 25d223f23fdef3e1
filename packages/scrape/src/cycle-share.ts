/**
 * How many of `items` due once per `intervalMs` a cycle of `cycleIntervalMs` takes: twice
 * their fair share, rounded up. A backlog (a whole org read at once, then due at once)
 * drains within half an interval instead of landing on one cycle, and a cycle never takes
 * more than that however late the work is.
 */
export function cycleShare(items: number, cycleIntervalMs: number, intervalMs: number): number {
  return Math.ceil((2 * items * cycleIntervalMs) / intervalMs);
}
