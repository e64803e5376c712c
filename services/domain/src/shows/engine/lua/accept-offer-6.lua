--[[
  A buyer takes up an offer: the held unit becomes its claim. Reply: {'OK', seq,
  eventJson, position}.

  Input:
    KEYS[1] meta
    KEYS[2] entry
    KEYS[3] claims
    KEYS[4] offers
    KEYS[5] ops
    KEYS[6] log
    ARGV[1] actor
    ARGV[2] opKey
    ARGV[3] entryId
    ARGV[4] claimId
    ARGV[5] eventJson
]]
local metaKey = KEYS[1]
local entryKey = KEYS[2]
local claimsKey = KEYS[3]
local offersKey = KEYS[4]
local opsKey = KEYS[5]
local logKey = KEYS[6]
local actor = ARGV[1]
local opKey = ARGV[2]
local entryId = ARGV[3]
local claimId = ARGV[4]
local eventJson = ARGV[5]
local done = replay(opsKey, opKey, logKey)
if done then return done end
local status = redis.call('HGET', metaKey, 'status')
if not status then return {'ERR', 'NOT_FOUND'} end
if status == 'ended' then return fail(opsKey, opKey, 'SHOW_ENDED') end
local member = entryId .. '|' .. actor
local expiresAt = redis.call('ZSCORE', offersKey, member)
if not expiresAt then return fail(opsKey, opKey, 'NOT_FOUND') end
if tonumber(expiresAt) < now_ms() then return fail(opsKey, opKey, 'CONFLICT') end
local e = redis.call('HMGET', entryKey, 'claimed', 'price', 'position', 'offered', 'b:' .. actor, 'limit')
-- The limit may have been lowered since the buyer joined the line; the offer then runs out
-- and passes to the next.
if tonumber(e[5] or '0') >= tonumber(e[6]) then return fail(opsKey, opKey, 'LIMIT_REACHED') end
redis.call('ZREM', offersKey, member)
return record_claim(metaKey, logKey, opsKey, opKey, entryKey, claimsKey, actor, entryId, claimId,
  {claimed = e[1], price = e[2], position = e[3], offered = e[4], mine = e[5]}, true, eventJson)
