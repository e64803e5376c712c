--[[
  A seller takes back a co-hosted item, which it may do until the item has been featured
  (invariant 6).

  Input:
    KEYS[1] meta
    KEYS[2] entries
    KEYS[3] entry
    KEYS[4] log
    ARGV[1] entryId
    ARGV[2] eventJson
]]
local metaKey = KEYS[1]
local entriesKey = KEYS[2]
local entryKey = KEYS[3]
local logKey = KEYS[4]
local entryId = ARGV[1]
local eventJson = ARGV[2]
local status = redis.call('HGET', metaKey, 'status')
if not status or redis.call('SISMEMBER', entriesKey, entryId) == 0 then return {'OK', 0} end
if status == 'ended' then return {'ERR', 'SHOW_ENDED'} end
local e = redis.call('HMGET', entryKey, 'featuredOnce', 'claimed', 'offered')
if e[1] or tonumber(e[2] or '0') > 0 or tonumber(e[3] or '0') > 0 then return {'ERR', 'CONFLICT'} end
redis.call('DEL', entryKey)
redis.call('SREM', entriesKey, entryId)
local seq, json = append(metaKey, logKey, '', eventJson)
return {'OK', seq, json}
