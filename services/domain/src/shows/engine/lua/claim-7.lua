--[[
  A viewer claims one unit of the featured entry. A viewer who holds an offer of it (from
  the waitlist) takes the offered unit, as accepting the offer would. Reply: {'OK', seq,
  eventJson, position}.

  Input:
    KEYS[1] meta
    KEYS[2] entry
    KEYS[3] ops
    KEYS[4] log
    KEYS[5] bans
    KEYS[6] claims
    KEYS[7] offers
    ARGV[1] actor
    ARGV[2] opKey
    ARGV[3] entryId
    ARGV[4] eventJson   the claim's event without its position and price, which are decided here
    ARGV[5] claimId
]]
local metaKey = KEYS[1]
local entryKey = KEYS[2]
local opsKey = KEYS[3]
local logKey = KEYS[4]
local bansKey = KEYS[5]
local claimsKey = KEYS[6]
local offersKey = KEYS[7]
local actor = ARGV[1]
local opKey = ARGV[2]
local entryId = ARGV[3]
local eventJson = ARGV[4]
local claimId = ARGV[5]
local done = replay(opsKey, opKey, logKey)
if done then return done end
local m = redis.call('HMGET', metaKey, 'status', 'featured')
if not m[1] then return {'ERR', 'NOT_FOUND'} end
if redis.call('SISMEMBER', bansKey, actor) == 1 then return {'ERR', 'BANNED'} end
if m[1] == 'ended' then return fail(opsKey, opKey, 'SHOW_ENDED') end
if m[1] ~= 'live' then return fail(opsKey, opKey, 'NOT_LIVE') end
if m[2] ~= entryId then return fail(opsKey, opKey, 'NOT_FEATURED') end
local e = redis.call('HMGET', entryKey, 'quantity', 'claimed', 'price', 'limit', 'offered', 'position', 'b:' .. actor)
local offered = tonumber(e[5] or '0')
local offer = entryId .. '|' .. actor
-- Only an entry with units on offer can hold one for this buyer: most claims skip the look-up.
local held = offered > 0 and redis.call('ZSCORE', offersKey, offer)
if not held and tonumber(e[2]) + offered >= tonumber(e[1]) then return fail(opsKey, opKey, 'SOLD_OUT') end
if tonumber(e[7] or '0') >= tonumber(e[4]) then return fail(opsKey, opKey, 'LIMIT_REACHED') end
if held then redis.call('ZREM', offersKey, offer) end
return record_claim(metaKey, logKey, opsKey, opKey, entryKey, claimsKey, actor, entryId, claimId,
  {claimed = e[2], price = e[3], position = e[6], offered = offered, mine = e[7]}, held, eventJson)
