--[[
  Loads a scheduled show's queue into Redis, once; later calls change nothing.
  Reply: {'OK', seq, eventJson} when opened now, {'OK', seq} when it was open already.

  Input:
    KEYS[1] meta
    KEYS[2] log
    KEYS[3] entries
    KEYS[4..] entry     one per entry, in the order of the entries in ARGV
    ARGV[1] hostId
    ARGV[2] openedJson  the show.opened event, less its seq and time
    ARGV[3..] entryId, quantity, price, limit of each entry in turn
]]
local metaKey = KEYS[1]
local logKey = KEYS[2]
local entriesKey = KEYS[3]
local hostId = ARGV[1]
local openedJson = ARGV[2]
if redis.call('EXISTS', metaKey) == 1 then
  return {'OK', tonumber(redis.call('HGET', metaKey, 'seq'))}
end
redis.call('HSET', metaKey, 'status', 'scheduled', 'hostId', hostId, 'featured', '', 'seq', 0)
for i = 1, #KEYS - 3 do
  local a = 2 + (i - 1) * 4
  redis.call('HSET', KEYS[3 + i], 'id', ARGV[a + 1], 'quantity', ARGV[a + 2], 'claimed', 0, 'offered', 0,
    'price', ARGV[a + 3], 'limit', ARGV[a + 4])
  redis.call('SADD', entriesKey, ARGV[a + 1])
end
local seq, json = append(metaKey, logKey, '', openedJson)
return {'OK', seq, json}
