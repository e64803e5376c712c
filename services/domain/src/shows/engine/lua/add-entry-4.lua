--[[
  Adds an entry to a show already in Redis (an approved co-hosted item). A show not yet
  opened gets it from Postgres when it opens. Reply {'OK', seq, json} or {'OK', 0}.

  Input:
    KEYS[1] meta
    KEYS[2] entries
    KEYS[3] entry
    KEYS[4] log
    ARGV[1] entryId
    ARGV[2] quantity
    ARGV[3] price
    ARGV[4] limit
    ARGV[5] eventJson
]]
local metaKey = KEYS[1]
local entriesKey = KEYS[2]
local entryKey = KEYS[3]
local logKey = KEYS[4]
local entryId = ARGV[1]
local quantity = ARGV[2]
local price = ARGV[3]
local limit = ARGV[4]
local eventJson = ARGV[5]
local status = redis.call('HGET', metaKey, 'status')
if not status then return {'OK', 0} end
if status == 'ended' then return {'ERR', 'SHOW_ENDED'} end
if redis.call('SISMEMBER', entriesKey, entryId) == 1 then return {'OK', 0} end
redis.call('HSET', entryKey, 'id', entryId, 'quantity', quantity, 'claimed', 0, 'offered', 0, 'price', price, 'limit', limit)
redis.call('SADD', entriesKey, entryId)
local seq, json = append(metaKey, logKey, '', eventJson)
return {'OK', seq, json}
