/**
 * Replaces a repo's series with the freshly tallied set while enforcing the fleet-wide
 * series budget, atomically (it runs inside the caller's MULTI, after WATCH on the ledger).
 *
 * KEYS: 1 = repo series hash, 2 = series count, 3 = repo index
 * ARGV: 1 = budget, 2 = repo id, 3 = scrapedAtMs, then user, encoded value pairs
 * Returns { added, removed, refused user... }. Users that already have a series are always
 * updated; only series that would be new are refused once the budget is full.
 */
export const APPLY_SERIES_SCRIPT = `
local seriesKey, countKey, indexKey = KEYS[1], KEYS[2], KEYS[3]
local budget = tonumber(ARGV[1])
local fresh = {}
for i = 4, #ARGV, 2 do fresh[ARGV[i]] = true end
local removed = 0
for _, user in ipairs(redis.call('HKEYS', seriesKey)) do
  if not fresh[user] then
    redis.call('HDEL', seriesKey, user)
    removed = removed + 1
  end
end
local count = tonumber(redis.call('GET', countKey) or '0') - removed
local added = 0
local result = {}
for i = 4, #ARGV, 2 do
  local user, value = ARGV[i], ARGV[i + 1]
  if redis.call('HEXISTS', seriesKey, user) == 1 then
    redis.call('HSET', seriesKey, user, value)
  elseif count < budget then
    redis.call('HSET', seriesKey, user, value)
    count = count + 1
    added = added + 1
  else
    table.insert(result, user)
  end
end
if count < 0 then count = 0 end
redis.call('SET', countKey, count)
if redis.call('EXISTS', seriesKey) == 1 then
  redis.call('ZADD', indexKey, ARGV[3], ARGV[2])
else
  redis.call('ZREM', indexKey, ARGV[2])
end
table.insert(result, 1, removed)
table.insert(result, 1, added)
return result
`;
