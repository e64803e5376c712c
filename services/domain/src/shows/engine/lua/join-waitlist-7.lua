--[[
  A buyer joins a sold-out entry's waitlist.

  Input:
    KEYS[1] meta
    KEYS[2] entry
    KEYS[3] waitlist
    KEYS[4] offers
    KEYS[5] bans
    KEYS[6] ops
    KEYS[7] log
    ARGV[1] actor
    ARGV[2] opKey
    ARGV[3] entryId
    ARGV[4] eventJson
]]
local metaKey = KEYS[1]
local entryKey = KEYS[2]
local waitlistKey = KEYS[3]
local offersKey = KEYS[4]
local bansKey = KEYS[5]
local opsKey = KEYS[6]
local logKey = KEYS[7]
local actor = ARGV[1]
local opKey = ARGV[2]
local entryId = ARGV[3]
local eventJson = ARGV[4]
local done = replay(opsKey, opKey, logKey)
if done then return done end
local status = redis.call('HGET', metaKey, 'status')
if not status then return {'ERR', 'NOT_FOUND'} end
if status == 'ended' then return fail(opsKey, opKey, 'SHOW_ENDED') end
if status ~= 'live' then return fail(opsKey, opKey, 'NOT_LIVE') end
if redis.call('SISMEMBER', bansKey, actor) == 1 then return {'ERR', 'BANNED'} end
local e = redis.call('HMGET', entryKey, 'quantity', 'claimed', 'offered', 'limit', 'b:' .. actor)
if not e[1] then return fail(opsKey, opKey, 'NOT_FOUND') end
if tonumber(e[1]) - tonumber(e[2]) - tonumber(e[3] or '0') > 0 then return fail(opsKey, opKey, 'CONFLICT') end
if redis.call('LPOS', waitlistKey, actor) or redis.call('ZSCORE', offersKey, entryId .. '|' .. actor) then
  return fail(opsKey, opKey, 'CONFLICT')
end
-- A buyer at the per-buyer limit could never take the unit an offer would hold.
if tonumber(e[5] or '0') >= tonumber(e[4]) then return fail(opsKey, opKey, 'LIMIT_REACHED') end
redis.call('RPUSH', waitlistKey, actor)
local seq, json = append(metaKey, logKey, '', eventJson)
return remember(opsKey, opKey, {'OK', seq, json})
