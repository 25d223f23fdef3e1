/**
 * Makes a repo's ledger hold exactly the listed events of one kind within a time range,
 * atomically: what GitHub no longer returns (a deleted comment, a commit a force-push
 * dropped) leaves the ledger; what it returns is recorded as `recordEvents` would.
 *
 * KEYS: 1 = ledger zset (eventId → occurredAtMs), 2 = event users hash (eventId → user)
 * ARGV: 1 = eventId prefix of the kind (`issue_comment:`), 2 = fromMs, 3 = toMs (inclusive),
 *       then eventId, occurredAtMs, user triples
 * Returns { added, removed }. A listed event outside the range is recorded too; only events
 * of the kind inside the range are removed when not listed.
 */
export const RECONCILE_EVENTS_SCRIPT = `
local eventsKey, usersKey = KEYS[1], KEYS[2]
local prefix = ARGV[1]
local listed = {}
for i = 4, #ARGV, 3 do listed[ARGV[i]] = true end
local removed = 0
for _, eventId in ipairs(redis.call('ZRANGEBYSCORE', eventsKey, ARGV[2], ARGV[3])) do
  if string.sub(eventId, 1, #prefix) == prefix and not listed[eventId] then
    redis.call('ZREM', eventsKey, eventId)
    redis.call('HDEL', usersKey, eventId)
    removed = removed + 1
  end
end
local added = 0
for i = 4, #ARGV, 3 do
  added = added + redis.call('ZADD', eventsKey, ARGV[i + 1], ARGV[i])
  redis.call('HSET', usersKey, ARGV[i], ARGV[i + 2])
end
return { added, removed }
`;
