--[[
  The host changes an entry's quantity and per-buyer limit. Quantity never drops below the
  units claimed or on offer: lowering it to exactly that marks the entry sold out. Units
  added to a live show go first to the buyers waiting for them, as offers. A quantity
  never rises above the units the entry holds in the seller's closet (Postgres holds them
  before this runs; see services/domain/src/catalog/stock.ts).

  Input:
    KEYS[1] meta
    KEYS[2] entry
    KEYS[3] ops
    KEYS[4] log
    KEYS[5] waitlist
    KEYS[6] offers
    ARGV[1] actor
    ARGV[2] opKey
    ARGV[3] entryId
    ARGV[4] quantityArg the new quantity, or '' to keep it
    ARGV[5] limitArg    the new per-buyer limit, or '' to keep it
    ARGV[6] offerTtlMs
    ARGV[7] heldUnits   what the entry holds in the closet (given with a quantity)
]]
local metaKey = KEYS[1]
local entryKey = KEYS[2]
local opsKey = KEYS[3]
local logKey = KEYS[4]
local waitlistKey = KEYS[5]
local offersKey = KEYS[6]
local actor = ARGV[1]
local opKey = ARGV[2]
local entryId = ARGV[3]
local quantityArg = ARGV[4]
local limitArg = ARGV[5]
local offerTtlMs = ARGV[6]
local heldUnits = ARGV[7]
local done = replay(opsKey, opKey, logKey)
if done then return done end
local refused, m = host_only(metaKey, opsKey, opKey, actor)
if refused then return refused end
local e = redis.call('HMGET', entryKey, 'quantity', 'claimed', 'offered', 'limit')
if not e[1] then return fail(opsKey, opKey, 'NOT_FOUND') end
local quantity = quantityArg ~= '' and tonumber(quantityArg) or tonumber(e[1])
local limit = limitArg ~= '' and tonumber(limitArg) or tonumber(e[4])
if quantity < tonumber(e[2]) + tonumber(e[3] or '0') then return fail(opsKey, opKey, 'CONFLICT') end
if quantityArg ~= '' and quantity > tonumber(heldUnits) then return fail(opsKey, opKey, 'NOT_ENOUGH_STOCK') end
redis.call('HSET', entryKey, 'quantity', quantity, 'limit', limit)
local seq, json = append(metaKey, logKey, '', '{"type":"entry.updated","entryId":"' .. entryId ..
  '","quantity":' .. quantity .. ',"perBuyerLimit":' .. limit .. '}')
if m[1] == 'live' then offer_next(metaKey, logKey, entryKey, waitlistKey, offersKey, entryId, offerTtlMs) end
return remember(opsKey, opKey, {'OK', seq, json})
