/**
 * Reads the series hashes of a batch of repos in one round trip, each as one JSON string.
 *
 * KEYS: the repos' series hashes. ARGV: none.
 * Returns one `cjson` string per key: the flat `[user, encoded, user, encoded, …]` of its
 * HGETALL, or `{}` for a hash that is gone (cjson cannot tell an empty table from an object).
 *
 * Why JSON instead of the nested RESP arrays: the gateway reads a million series per pass,
 * and `JSON.parse` of one string per repo took half the time of parsing 2 × 100 bulk strings
 * per repo through the RESP parser (1.1 s vs 2.0 s for 1M series on loopback).
 */
export const READ_SERIES_BATCH_SCRIPT = `
local replies = {}
for index, key in ipairs(KEYS) do
  replies[index] = cjson.encode(redis.call('HGETALL', key))
end
return replies
`;
