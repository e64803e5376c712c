--[[
  A buyer leaves a waitlist.

  Input:
    KEYS[1] meta
    KEYS[2] waitlist
    KEYS[3] ops
    KEYS[4] log
    ARGV[1] actor
    ARGV[2] opKey
    ARGV[3] eventJson
]]
local metaKey = KEYS[1]
local waitlistKey = KEYS[2]
local opsKey = KEYS[3]
local logKey = KEYS[4]
local actor = ARGV[1]
local opKey = ARGV[2]
local eventJson = ARGV[3]
local done = replay(opsKey, opKey, logKey)
if done then return done end
if redis.call('EXISTS', metaKey) == 0 then return {'ERR', 'NOT_FOUND'} end
if redis.call('LREM', waitlistKey, 0, actor) == 0 then return fail(opsKey, opKey, 'NOT_FOUND') end
local seq, json = append(metaKey, logKey, '', eventJson)
return remember(opsKey, opKey, {'OK', seq, json})
