--[[
  The host voids a claim; its unit goes back on sale, or on offer to the waitlist.

  Input:
    KEYS[1] meta
    KEYS[2] entry
    KEYS[3] claims
    KEYS[4] waitlist
    KEYS[5] offers
    KEYS[6] ops
    KEYS[7] log
    ARGV[1] actor
    ARGV[2] opKey
    ARGV[3] entryId
    ARGV[4] claimId
    ARGV[5] eventJson   type, claimId and reason
    ARGV[6] offerTtlMs
]]
local metaKey = KEYS[1]
local entryKey = KEYS[2]
local claimsKey = KEYS[3]
local waitlistKey = KEYS[4]
local offersKey = KEYS[5]
local opsKey = KEYS[6]
local logKey = KEYS[7]
local actor = ARGV[1]
local opKey = ARGV[2]
local entryId = ARGV[3]
local claimId = ARGV[4]
local eventJson = ARGV[5]
local offerTtlMs = ARGV[6]
local done = replay(opsKey, opKey, logKey)
if done then return done end
local m = redis.call('HMGET', metaKey, 'status', 'hostId')
if not m[1] then return {'ERR', 'NOT_FOUND'} end
if m[2] ~= actor then return {'ERR', 'FORBIDDEN'} end
local c = redis.call('HGET', claimsKey, claimId)
if not c then return fail(opsKey, opKey, 'NOT_FOUND') end
local entryId, user, voided = string.match(c, '^([^|]+)|([^|]+)(.*)$')
if entryId ~= entryId then return fail(opsKey, opKey, 'NOT_FOUND') end
if voided ~= '' then return fail(opsKey, opKey, 'CONFLICT') end
redis.call('HINCRBY', entryKey, 'claimed', -1)
redis.call('HINCRBY', entryKey, 'b:' .. user, -1)
redis.call('HSET', claimsKey, claimId, c .. '|voided')
local seq, json = append(metaKey, logKey, ',"entryId":"' .. entryId .. '","userId":"' .. user .. '"', eventJson)
if m[1] == 'live' then offer_next(metaKey, logKey, entryKey, waitlistKey, offersKey, entryId, offerTtlMs) end
return remember(opsKey, opKey, {'OK', seq, json})
