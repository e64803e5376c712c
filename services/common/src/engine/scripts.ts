/**
 * The show engine's Lua scripts. Each runs atomically in Redis: it checks the rules,
 * changes the state and appends the event to the show's log, or changes nothing.
 * Replies are arrays: {'OK', seq, eventJson, ...} or {'ERR', code}. With AOF
 * `appendfsync always`, Redis writes the change to disk before it replies.
 *
 * Each operation is remembered under `${actor}:${command}:${clientOpId}`, so a retry gets the first
 * reply again and changes nothing.
 */
const PRELUDE = `
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
`;

/** KEYS: meta, log, entries, entry...  ARGV: hostId, openedJson, then (entryId, quantity, price, limit) per entry. */
const OPEN = `${PRELUDE}
if redis.call('EXISTS', KEYS[1]) == 1 then
  return {'OK', tonumber(redis.call('HGET', KEYS[1], 'seq'))}
end
redis.call('HSET', KEYS[1], 'status', 'scheduled', 'hostId', ARGV[1], 'featured', '', 'seq', 0)
for i = 1, #KEYS - 3 do
  local a = 2 + (i - 1) * 4
  redis.call('HSET', KEYS[3 + i], 'id', ARGV[a + 1], 'quantity', ARGV[a + 2], 'claimed', 0, 'offered', 0,
    'price', ARGV[a + 3], 'limit', ARGV[a + 4])
  redis.call('SADD', KEYS[3], ARGV[a + 1])
end
local seq, json = append(KEYS[1], KEYS[2], '', ARGV[2])
return {'OK', seq, json}
`;

/** Host commands on the whole show. KEYS: meta, log, ops.  ARGV: actor, opKey, from, to, eventJson. */
const TRANSITION = `${PRELUDE}
local done = replay(KEYS[3], ARGV[2], KEYS[2])
if done then return done end
local m = redis.call('HMGET', KEYS[1], 'status', 'hostId')
if not m[1] then return {'ERR', 'NOT_FOUND'} end
if m[2] ~= ARGV[1] then return {'ERR', 'FORBIDDEN'} end
if not string.find(ARGV[3], ',' .. m[1] .. ',', 1, true) then
  if m[1] == 'ended' then return fail(KEYS[3], ARGV[2], 'SHOW_ENDED') end
  return fail(KEYS[3], ARGV[2], 'CONFLICT')
end
redis.call('HSET', KEYS[1], 'status', ARGV[4])
if ARGV[4] == 'ended' then redis.call('HSET', KEYS[1], 'featured', '') end
local seq, json = append(KEYS[1], KEYS[2], '', ARGV[5])
return remember(KEYS[3], ARGV[2], {'OK', seq, json})
`;

/**
 * Host commands on one entry. KEYS: meta, entry, log, ops.
 * ARGV: actor, opKey, entryId, kind ('feature' | 'price'), value, eventJson.
 */
const ENTRY = `${PRELUDE}
local done = replay(KEYS[4], ARGV[2], KEYS[3])
if done then return done end
local refused = host_only(KEYS[1], KEYS[4], ARGV[2], ARGV[1])
if refused then return refused end
if redis.call('EXISTS', KEYS[2]) == 0 then return fail(KEYS[4], ARGV[2], 'NOT_FOUND') end
if ARGV[4] == 'feature' then
  redis.call('HSET', KEYS[1], 'featured', ARGV[3])
  redis.call('HSET', KEYS[2], 'featuredOnce', 1)
else
  redis.call('HSET', KEYS[2], 'price', ARGV[5])
end
local seq, json = append(KEYS[1], KEYS[3], '', ARGV[6])
return remember(KEYS[4], ARGV[2], {'OK', seq, json})
`;

/**
 * A viewer claims one unit of the featured entry. A viewer who holds an offer of it (from
 * the waitlist) takes the offered unit, as accepting the offer would. KEYS: meta, entry,
 * ops, log, bans, claims, offers. ARGV: actor, opKey, entryId, eventJson (without
 * position and price, which are decided here), claimId. Reply: {'OK', seq, eventJson, position}.
 */
const CLAIM = `${PRELUDE}
local done = replay(KEYS[3], ARGV[2], KEYS[4])
if done then return done end
local m = redis.call('HMGET', KEYS[1], 'status', 'featured')
if not m[1] then return {'ERR', 'NOT_FOUND'} end
if redis.call('SISMEMBER', KEYS[5], ARGV[1]) == 1 then return {'ERR', 'BANNED'} end
if m[1] == 'ended' then return fail(KEYS[3], ARGV[2], 'SHOW_ENDED') end
if m[1] ~= 'live' then return fail(KEYS[3], ARGV[2], 'NOT_LIVE') end
if m[2] ~= ARGV[3] then return fail(KEYS[3], ARGV[2], 'NOT_FEATURED') end
local e = redis.call('HMGET', KEYS[2], 'quantity', 'claimed', 'price', 'limit', 'offered', 'position', 'b:' .. ARGV[1])
local offered = tonumber(e[5] or '0')
local offer = ARGV[3] .. '|' .. ARGV[1]
-- Only an entry with units on offer can hold one for this buyer: most claims skip the look-up.
local held = offered > 0 and redis.call('ZSCORE', KEYS[7], offer)
if not held and tonumber(e[2]) + offered >= tonumber(e[1]) then return fail(KEYS[3], ARGV[2], 'SOLD_OUT') end
if tonumber(e[7] or '0') >= tonumber(e[4]) then return fail(KEYS[3], ARGV[2], 'LIMIT_REACHED') end
if held then redis.call('ZREM', KEYS[7], offer) end
return record_claim(KEYS[1], KEYS[4], KEYS[3], ARGV[2], KEYS[2], KEYS[6], ARGV[1], ARGV[3], ARGV[5],
  {claimed = e[2], price = e[3], position = e[6], offered = offered, mine = e[7]}, held, ARGV[4])
`;

/**
 * A chat message. KEYS: meta, bans, mutes, mods, lastChat, chatMessages, ops, log.
 * ARGV: actor, opKey, messageId, eventJson. Banned, muted and slow-mode refusals are not
 * remembered: they pass with time or a moderator's change.
 * Reply on slow mode: {'ERR', 'RATE_LIMITED', secondsToWait}.
 */
const CHAT = `${PRELUDE}
local done = replay(KEYS[7], ARGV[2], KEYS[8])
if done then return done end
local m = redis.call('HMGET', KEYS[1], 'status', 'hostId', 'slowMs')
if not m[1] then return {'ERR', 'NOT_FOUND'} end
if m[1] == 'ended' then return fail(KEYS[7], ARGV[2], 'SHOW_ENDED') end
if redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 1 then return {'ERR', 'BANNED'} end
local now = now_ms()
if tonumber(redis.call('HGET', KEYS[3], ARGV[1]) or '0') > now then return {'ERR', 'MUTED'} end
local staff = m[2] == ARGV[1] or redis.call('SISMEMBER', KEYS[4], ARGV[1]) == 1
local slow = tonumber(m[3] or '0')
if not staff and slow > 0 then
  local wait = slow - (now - tonumber(redis.call('HGET', KEYS[5], ARGV[1]) or '0'))
  if wait > 0 then return {'ERR', 'RATE_LIMITED', math.ceil(wait / 1000)} end
end
redis.call('HSET', KEYS[5], ARGV[1], now)
redis.call('HSET', KEYS[6], ARGV[3], ARGV[1])
local seq, json = append(KEYS[1], KEYS[8], '', ARGV[4])
return remember(KEYS[7], ARGV[2], {'OK', seq, json})
`;

/**
 * Moderation. KEYS: meta, bans, mutes, mods, chatMessages, ops, log.
 * ARGV: actor, opKey, action, target, value, eventJson.
 * The host and its moderators delete messages, ban and mute; only the host picks
 * moderators and sets slow mode. Nobody bans or mutes the host; only the host acts on
 * a moderator.
 */
const MODERATE = `${PRELUDE}
local done = replay(KEYS[6], ARGV[2], KEYS[7])
if done then return done end
local m = redis.call('HMGET', KEYS[1], 'status', 'hostId')
if not m[1] then return {'ERR', 'NOT_FOUND'} end
local actor, action, target = ARGV[1], ARGV[3], ARGV[4]
local host = m[2] == actor
local staff = host or redis.call('SISMEMBER', KEYS[4], actor) == 1
if not staff then return {'ERR', 'FORBIDDEN'} end
if (action == 'moderator' or action == 'slow') and not host then return {'ERR', 'FORBIDDEN'} end
if m[1] == 'ended' then return fail(KEYS[6], ARGV[2], 'SHOW_ENDED') end
local extra = ''
if action == 'delete' then
  if redis.call('HDEL', KEYS[5], target) == 0 then return fail(KEYS[6], ARGV[2], 'NOT_FOUND') end
elseif action == 'ban' or action == 'mute' then
  if target == m[2] or target == actor then return {'ERR', 'FORBIDDEN'} end
  if not host and redis.call('SISMEMBER', KEYS[4], target) == 1 then return {'ERR', 'FORBIDDEN'} end
  if action == 'ban' then
    redis.call('SADD', KEYS[2], target)
    redis.call('SREM', KEYS[4], target)
  else
    local untilAt = now_ms() + tonumber(ARGV[5]) * 60000
    redis.call('HSET', KEYS[3], target, untilAt)
    extra = ',"untilAt":' .. string.format('%d', untilAt)
  end
elseif action == 'moderator' then
  if target == m[2] then return {'ERR', 'CONFLICT'} end
  if ARGV[5] == 'on' then redis.call('SADD', KEYS[4], target) else redis.call('SREM', KEYS[4], target) end
elseif action == 'slow' then
  redis.call('HSET', KEYS[1], 'slowMs', tonumber(ARGV[5]) * 1000)
else
  return {'ERR', 'INVALID_INPUT'}
end
local seq, json = append(KEYS[1], KEYS[7], extra, ARGV[6])
return remember(KEYS[6], ARGV[2], {'OK', seq, json})
`;

/**
 * The host voids a claim; its unit goes back on sale, or on offer to the waitlist.
 * KEYS: meta, entry, claims, waitlist, offers, ops, log.
 * ARGV: actor, opKey, entryId, claimId, eventJson (type, claimId, reason), offerTtlMs.
 */
const VOID = `${PRELUDE}
local done = replay(KEYS[6], ARGV[2], KEYS[7])
if done then return done end
local m = redis.call('HMGET', KEYS[1], 'status', 'hostId')
if not m[1] then return {'ERR', 'NOT_FOUND'} end
if m[2] ~= ARGV[1] then return {'ERR', 'FORBIDDEN'} end
local c = redis.call('HGET', KEYS[3], ARGV[4])
if not c then return fail(KEYS[6], ARGV[2], 'NOT_FOUND') end
local entryId, user, voided = string.match(c, '^([^|]+)|([^|]+)(.*)$')
if entryId ~= ARGV[3] then return fail(KEYS[6], ARGV[2], 'NOT_FOUND') end
if voided ~= '' then return fail(KEYS[6], ARGV[2], 'CONFLICT') end
redis.call('HINCRBY', KEYS[2], 'claimed', -1)
redis.call('HINCRBY', KEYS[2], 'b:' .. user, -1)
redis.call('HSET', KEYS[3], ARGV[4], c .. '|voided')
local seq, json = append(KEYS[1], KEYS[7], ',"entryId":"' .. entryId .. '","userId":"' .. user .. '"', ARGV[5])
if m[1] == 'live' then offer_next(KEYS[1], KEYS[7], KEYS[2], KEYS[4], KEYS[5], entryId, ARGV[6]) end
return remember(KEYS[6], ARGV[2], {'OK', seq, json})
`;

/**
 * A buyer joins a sold-out entry's waitlist. KEYS: meta, entry, waitlist, offers, bans, ops, log.
 * ARGV: actor, opKey, entryId, eventJson.
 */
const JOIN_WAITLIST = `${PRELUDE}
local done = replay(KEYS[6], ARGV[2], KEYS[7])
if done then return done end
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return {'ERR', 'NOT_FOUND'} end
if status == 'ended' then return fail(KEYS[6], ARGV[2], 'SHOW_ENDED') end
if status ~= 'live' then return fail(KEYS[6], ARGV[2], 'NOT_LIVE') end
if redis.call('SISMEMBER', KEYS[5], ARGV[1]) == 1 then return {'ERR', 'BANNED'} end
local e = redis.call('HMGET', KEYS[2], 'quantity', 'claimed', 'offered', 'limit', 'b:' .. ARGV[1])
if not e[1] then return fail(KEYS[6], ARGV[2], 'NOT_FOUND') end
if tonumber(e[1]) - tonumber(e[2]) - tonumber(e[3] or '0') > 0 then return fail(KEYS[6], ARGV[2], 'CONFLICT') end
if redis.call('LPOS', KEYS[3], ARGV[1]) or redis.call('ZSCORE', KEYS[4], ARGV[3] .. '|' .. ARGV[1]) then
  return fail(KEYS[6], ARGV[2], 'CONFLICT')
end
-- A buyer at the per-buyer limit could never take the unit an offer would hold.
if tonumber(e[5] or '0') >= tonumber(e[4]) then return fail(KEYS[6], ARGV[2], 'LIMIT_REACHED') end
redis.call('RPUSH', KEYS[3], ARGV[1])
local seq, json = append(KEYS[1], KEYS[7], '', ARGV[4])
return remember(KEYS[6], ARGV[2], {'OK', seq, json})
`;

/** A buyer leaves a waitlist. KEYS: meta, waitlist, ops, log. ARGV: actor, opKey, eventJson. */
const LEAVE_WAITLIST = `${PRELUDE}
local done = replay(KEYS[3], ARGV[2], KEYS[4])
if done then return done end
if redis.call('EXISTS', KEYS[1]) == 0 then return {'ERR', 'NOT_FOUND'} end
if redis.call('LREM', KEYS[2], 0, ARGV[1]) == 0 then return fail(KEYS[3], ARGV[2], 'NOT_FOUND') end
local seq, json = append(KEYS[1], KEYS[4], '', ARGV[3])
return remember(KEYS[3], ARGV[2], {'OK', seq, json})
`;

/**
 * A buyer takes up an offer: the held unit becomes its claim.
 * KEYS: meta, entry, claims, offers, ops, log. ARGV: actor, opKey, entryId, claimId, eventJson.
 * Reply: {'OK', seq, eventJson, position}.
 */
const ACCEPT_OFFER = `${PRELUDE}
local done = replay(KEYS[5], ARGV[2], KEYS[6])
if done then return done end
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return {'ERR', 'NOT_FOUND'} end
if status == 'ended' then return fail(KEYS[5], ARGV[2], 'SHOW_ENDED') end
local member = ARGV[3] .. '|' .. ARGV[1]
local expiresAt = redis.call('ZSCORE', KEYS[4], member)
if not expiresAt then return fail(KEYS[5], ARGV[2], 'NOT_FOUND') end
if tonumber(expiresAt) < now_ms() then return fail(KEYS[5], ARGV[2], 'CONFLICT') end
local e = redis.call('HMGET', KEYS[2], 'claimed', 'price', 'position', 'offered', 'b:' .. ARGV[1], 'limit')
-- The limit may have been lowered since the buyer joined the line; the offer then runs out
-- and passes to the next.
if tonumber(e[5] or '0') >= tonumber(e[6]) then return fail(KEYS[5], ARGV[2], 'LIMIT_REACHED') end
redis.call('ZREM', KEYS[4], member)
return record_claim(KEYS[1], KEYS[6], KEYS[5], ARGV[2], KEYS[2], KEYS[3], ARGV[1], ARGV[3], ARGV[4],
  {claimed = e[1], price = e[2], position = e[3], offered = e[4], mine = e[5]}, true, ARGV[5])
`;

/**
 * Ends an offer whose time is up and offers the unit to the next in line.
 * KEYS: meta, entry, waitlist, offers, log. ARGV: entryId, userId, offerTtlMs. Reply: 1 if expired now.
 */
const EXPIRE_OFFER = `${PRELUDE}
local member = ARGV[1] .. '|' .. ARGV[2]
local expiresAt = redis.call('ZSCORE', KEYS[4], member)
if not expiresAt or tonumber(expiresAt) > now_ms() then return 0 end
redis.call('ZREM', KEYS[4], member)
redis.call('HINCRBY', KEYS[2], 'offered', -1)
append(KEYS[1], KEYS[5], '', '{"type":"waitlist.offerExpired","entryId":"' .. ARGV[1] .. '","userId":"' .. ARGV[2] .. '"}')
if redis.call('HGET', KEYS[1], 'status') == 'live' then
  offer_next(KEYS[1], KEYS[5], KEYS[2], KEYS[3], KEYS[4], ARGV[1], ARGV[3])
end
return 1
`;

/**
 * The host puts the queue in a new order. KEYS: meta, entries, ops, log.
 * ARGV: actor, opKey, entryIdsJson, eventJson. The list must hold every entry once.
 */
const REORDER = `${PRELUDE}
local done = replay(KEYS[3], ARGV[2], KEYS[4])
if done then return done end
local refused = host_only(KEYS[1], KEYS[3], ARGV[2], ARGV[1])
if refused then return refused end
local ids = cjson.decode(ARGV[3])
if #ids ~= redis.call('SCARD', KEYS[2]) then return {'ERR', 'INVALID_INPUT'} end
local seen = {}
for _, id in ipairs(ids) do
  if seen[id] or redis.call('SISMEMBER', KEYS[2], id) == 0 then return {'ERR', 'INVALID_INPUT'} end
  seen[id] = true
end
local seq, json = append(KEYS[1], KEYS[4], '', ARGV[4])
return remember(KEYS[3], ARGV[2], {'OK', seq, json})
`;

/**
 * The host changes an entry's quantity and per-buyer limit. Quantity never drops below the
 * units claimed or on offer: lowering it to exactly that marks the entry sold out. Units
 * added to a live show go first to the buyers waiting for them, as offers. A quantity
 * never rises above the units the entry holds in the seller's closet (Postgres holds them
 * before this runs; see services/common/src/stock.ts).
 * KEYS: meta, entry, ops, log, waitlist, offers.
 * ARGV: actor, opKey, entryId, quantity or '', limit or '', offerTtlMs, held units (with a quantity).
 */
const UPDATE = `${PRELUDE}
local done = replay(KEYS[3], ARGV[2], KEYS[4])
if done then return done end
local refused, m = host_only(KEYS[1], KEYS[3], ARGV[2], ARGV[1])
if refused then return refused end
local e = redis.call('HMGET', KEYS[2], 'quantity', 'claimed', 'offered', 'limit')
if not e[1] then return fail(KEYS[3], ARGV[2], 'NOT_FOUND') end
local quantity = ARGV[4] ~= '' and tonumber(ARGV[4]) or tonumber(e[1])
local limit = ARGV[5] ~= '' and tonumber(ARGV[5]) or tonumber(e[4])
if quantity < tonumber(e[2]) + tonumber(e[3] or '0') then return fail(KEYS[3], ARGV[2], 'CONFLICT') end
if ARGV[4] ~= '' and quantity > tonumber(ARGV[7]) then return fail(KEYS[3], ARGV[2], 'NOT_ENOUGH_STOCK') end
redis.call('HSET', KEYS[2], 'quantity', quantity, 'limit', limit)
local seq, json = append(KEYS[1], KEYS[4], '', '{"type":"entry.updated","entryId":"' .. ARGV[3] ..
  '","quantity":' .. quantity .. ',"perBuyerLimit":' .. limit .. '}')
if m[1] == 'live' then offer_next(KEYS[1], KEYS[4], KEYS[2], KEYS[5], KEYS[6], ARGV[3], ARGV[6]) end
return remember(KEYS[3], ARGV[2], {'OK', seq, json})
`;

/**
 * The host takes an entry out of the queue; only one nobody has claimed or been offered,
 * and not the featured one. KEYS: meta, entry, entries, ops, log. ARGV: actor, opKey, entryId, eventJson.
 */
const REMOVE = `${PRELUDE}
local done = replay(KEYS[4], ARGV[2], KEYS[5])
if done then return done end
local refused, m = host_only(KEYS[1], KEYS[4], ARGV[2], ARGV[1])
if refused then return refused end
local e = redis.call('HMGET', KEYS[2], 'claimed', 'offered')
if not e[1] then return fail(KEYS[4], ARGV[2], 'NOT_FOUND') end
if m[3] == ARGV[3] or tonumber(e[1]) > 0 or tonumber(e[2] or '0') > 0 then return fail(KEYS[4], ARGV[2], 'CONFLICT') end
redis.call('DEL', KEYS[2])
redis.call('SREM', KEYS[3], ARGV[3])
local seq, json = append(KEYS[1], KEYS[5], '', ARGV[4])
return remember(KEYS[4], ARGV[2], {'OK', seq, json})
`;

/**
 * Adds an entry to a show already in Redis (an approved co-hosted item). A show not yet
 * opened gets it from Postgres when it opens. KEYS: meta, entries, entry, log.
 * ARGV: entryId, quantity, price, limit, eventJson. Reply {'OK', seq, json} or {'OK', 0}.
 */
const ADD_ENTRY = `${PRELUDE}
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return {'OK', 0} end
if status == 'ended' then return {'ERR', 'SHOW_ENDED'} end
if redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 1 then return {'OK', 0} end
redis.call('HSET', KEYS[3], 'id', ARGV[1], 'quantity', ARGV[2], 'claimed', 0, 'offered', 0, 'price', ARGV[3], 'limit', ARGV[4])
redis.call('SADD', KEYS[2], ARGV[1])
local seq, json = append(KEYS[1], KEYS[4], '', ARGV[5])
return {'OK', seq, json}
`;

/**
 * A seller takes back a co-hosted item, which it may do until the item has been featured
 * (invariant 6). KEYS: meta, entries, entry, log. ARGV: entryId, eventJson.
 */
const WITHDRAW_ENTRY = `${PRELUDE}
local status = redis.call('HGET', KEYS[1], 'status')
if not status or redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 0 then return {'OK', 0} end
if status == 'ended' then return {'ERR', 'SHOW_ENDED'} end
local e = redis.call('HMGET', KEYS[3], 'featuredOnce', 'claimed', 'offered')
if e[1] or tonumber(e[2] or '0') > 0 or tonumber(e[3] or '0') > 0 then return {'ERR', 'CONFLICT'} end
redis.call('DEL', KEYS[3])
redis.call('SREM', KEYS[2], ARGV[1])
local seq, json = append(KEYS[1], KEYS[4], '', ARGV[2])
return {'OK', seq, json}
`;

export const SCRIPTS = {
  showOpen: OPEN,
  showTransition: TRANSITION,
  showEntry: ENTRY,
  showClaim: CLAIM,
  showAddEntry: ADD_ENTRY,
  showWithdrawEntry: WITHDRAW_ENTRY,
  showReorder: REORDER,
  showUpdate: UPDATE,
  showRemove: REMOVE,
  showVoid: VOID,
  showJoinWaitlist: JOIN_WAITLIST,
  showLeaveWaitlist: LEAVE_WAITLIST,
  showAcceptOffer: ACCEPT_OFFER,
  showExpireOffer: EXPIRE_OFFER,
  showChat: CHAT,
  showModerate: MODERATE,
} as const;
