--[[
  Host commands on one entry.

  Input:
    KEYS[1] meta
    KEYS[2] entry
    KEYS[3] log
    KEYS[4] ops
    ARGV[1] actor
    ARGV[2] opKey
    ARGV[3] entryId
    ARGV[4] kind        'feature' or 'price'
    ARGV[5] value
    ARGV[6] eventJson
]]
local metaKey = KEYS[1]
local entryKey = KEYS[2]
local logKey = KEYS[3]
local opsKey = KEYS[4]
local actor = ARGV[1]
local opKey = ARGV[2]
local entryId = ARGV[3]
local kind = ARGV[4]
local value = ARGV[5]
local eventJson = ARGV[6]
local done = replay(opsKey, opKey, logKey)
if done then return done end
local refused = host_only(metaKey, opsKey, opKey, actor)
if refused then return refused end
if redis.call('EXISTS', entryKey) == 0 then return fail(opsKey, opKey, 'NOT_FOUND') end
if kind == 'feature' then
  redis.call('HSET', metaKey, 'featured', entryId)
  redis.call('HSET', entryKey, 'featuredOnce', 1)
else
  redis.call('HSET', entryKey, 'price', value)
end
local seq, json = append(metaKey, logKey, '', eventJson)
return remember(opsKey, opKey, {'OK', seq, json})
