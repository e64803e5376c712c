--[[
  The host takes an entry out of the queue; only one nobody has claimed or been offered,
  and not the featured one.

  Input:
    KEYS[1] meta
    KEYS[2] entry
    KEYS[3] entries
    KEYS[4] ops
    KEYS[5] log
    ARGV[1] actor
    ARGV[2] opKey
    ARGV[3] entryId
    ARGV[4] eventJson
]]
local metaKey = KEYS[1]
local entryKey = KEYS[2]
local entriesKey = KEYS[3]
local opsKey = KEYS[4]
local logKey = KEYS[5]
local actor = ARGV[1]
local opKey = ARGV[2]
local entryId = ARGV[3]
local eventJson = ARGV[4]
local done = replay(opsKey, opKey, logKey)
if done then return done end
local refused, m = host_only(metaKey, opsKey, opKey, actor)
if refused then return refused end
local e = redis.call('HMGET', entryKey, 'claimed', 'offered')
if not e[1] then return fail(opsKey, opKey, 'NOT_FOUND') end
if m[3] == entryId or tonumber(e[1]) > 0 or tonumber(e[2] or '0') > 0 then return fail(opsKey, opKey, 'CONFLICT') end
redis.call('DEL', entryKey)
redis.call('SREM', entriesKey, entryId)
local seq, json = append(metaKey, logKey, '', eventJson)
return remember(opsKey, opKey, {'OK', seq, json})
