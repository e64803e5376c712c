--[[
  Helpers every engine command includes (scripts.ts puts this file before each).
]]
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
-- Appends an event: seq and at are set here, extra fields (',"k":v') are spliced in,
-- and body is the rest of the event's JSON object as the caller built it.
local function append(meta, log, extra, body)
  local seq = redis.call('HINCRBY', meta, 'seq', 1)
  local json = '{"seq":' .. seq .. ',"at":' .. string.format('%d', now_ms()) .. extra .. ',' .. string.sub(body, 2)
  redis.call('XADD', log, seq .. '-0', 'e', json)
  return seq, json
end
-- A done operation's reply, if there is one. An accepted one is remembered without its
-- event (false in its place), which is read back from the log by its seq: the event is
-- most of the reply, and every byte remembered is written to the AOF and fsynced.
local function replay(ops, op, log)
  local done = redis.call('HGET', ops, op)
  if not done then return nil end
  local reply = cjson.decode(done)
  if reply[1] == 'OK' and reply[3] == false then
    local id = string.format('%d', reply[2]) .. '-0'
    reply[3] = redis.call('XRANGE', log, id, id)[1][2][2]
  end
  return reply
end
local function remember(ops, op, reply)
  local stored = reply
  if reply[1] == 'OK' then
    stored = {unpack(reply)}
    stored[3] = false
  end
  redis.call('HSET', ops, op, cjson.encode(stored))
  return reply
end
local function fail(ops, op, code)
  return remember(ops, op, {'ERR', code})
end
-- For commands only the host may give, on a show not yet ended: nil and the show's meta
-- (status, hostId, featured) when allowed, else the reply to return.
local function host_only(meta, ops, op, actor)
  local m = redis.call('HMGET', meta, 'status', 'hostId', 'featured')
  if not m[1] then return {'ERR', 'NOT_FOUND'}, m end
  if m[2] ~= actor then return {'ERR', 'FORBIDDEN'}, m end
  if m[1] == 'ended' then return fail(ops, op, 'SHOW_ENDED'), m end
  return nil, m
end
-- Makes one unit of an entry a buyer's claim (the unit is free, or was on offer to the
-- buyer: fromOffer; the caller has checked) and appends its event with its place and
-- price. e holds the entry's claimed, price, position, offered and the buyer's units
-- ('b:' .. actor) as the caller read them, so the entry is written once: every command a
-- claim runs is time on Redis' one thread and bytes in its AOF, fsynced before the ack.
-- The place comes from a counter that only grows, so a voided claim's place is never
-- given again and each receipt's position is unique; entries opened before the counter
-- existed start it from their claims.
local function record_claim(meta, log, ops, op, entry, claims, actor, entryId, claimId, e, fromOffer, body)
  local claimed = tonumber(e.claimed)
  local position = tonumber(e.position or claimed) + 1
  local mine = tonumber(e.mine or '0') + 1
  if fromOffer then
    redis.call('HSET', entry, 'claimed', claimed + 1, 'position', position, 'b:' .. actor, mine, 'offered', tonumber(e.offered) - 1)
  else
    redis.call('HSET', entry, 'claimed', claimed + 1, 'position', position, 'b:' .. actor, mine)
  end
  redis.call('HSET', claims, claimId, entryId .. '|' .. actor)
  local seq, json = append(meta, log, ',"position":' .. position .. ',"priceMinor":' .. e.price, body)
  return remember(ops, op, {'OK', seq, json, position})
end
-- Offers an entry's free units to the first buyers on its waitlist, one unit each, for
-- ttl ms. A unit on offer counts as taken until it is accepted or its offer expires.
local function offer_next(meta, log, entry, waitlist, offers, entryId, ttl)
  local e = redis.call('HMGET', entry, 'quantity', 'claimed', 'offered')
  local free = tonumber(e[1]) - tonumber(e[2]) - tonumber(e[3] or '0')
  while free > 0 do
    local user = redis.call('LPOP', waitlist)
    if not user then return end
    local expiresAt = now_ms() + tonumber(ttl)
    redis.call('ZADD', offers, expiresAt, entryId .. '|' .. user)
    redis.call('HINCRBY', entry, 'offered', 1)
    append(meta, log, '', '{"type":"waitlist.offered","entryId":"' .. entryId .. '","userId":"' .. user ..
      '","expiresAt":' .. string.format('%d', expiresAt) .. '}')
    free = free - 1
  end
end
