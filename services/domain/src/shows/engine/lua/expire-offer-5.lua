--[[
  Ends an offer whose time is up and offers the unit to the next in line. Reply: 1 if
  expired now.

  Input:
    KEYS[1] meta
    KEYS[2] entry
    KEYS[3] waitlist
    KEYS[4] offers
    KEYS[5] log
    ARGV[1] entryId
    ARGV[2] userId
    ARGV[3] offerTtlMs
]]
local metaKey = KEYS[1]
local entryKey = KEYS[2]
local waitlistKey = KEYS[3]
local offersKey = KEYS[4]
local logKey = KEYS[5]
local entryId = ARGV[1]
local userId = ARGV[2]
local offerTtlMs = ARGV[3]
local member = entryId .. '|' .. userId
local expiresAt = redis.call('ZSCORE', offersKey, member)
if not expiresAt or tonumber(expiresAt) > now_ms() then return 0 end
redis.call('ZREM', offersKey, member)
redis.call('HINCRBY', entryKey, 'offered', -1)
append(metaKey, logKey, '', '{"type":"waitlist.offerExpired","entryId":"' .. entryId .. '","userId":"' .. userId .. '"}')
if redis.call('HGET', metaKey, 'status') == 'live' then
  offer_next(metaKey, logKey, entryKey, waitlistKey, offersKey, entryId, offerTtlMs)
end
return 1
