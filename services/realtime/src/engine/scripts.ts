/**
 * The show engine's Lua scripts. Each runs atomically in Redis: it checks the rules,
 * changes the state and appends the event to the show's log, or changes nothing.
 * Replies are arrays: {'OK', seq, eventJson, ...} or {'ERR', code}. With AOF
 * `appendfsync always`, Redis writes the change to disk before it replies.
 *
 * Each operation is remembered under `${actor}:${clientOpId}`, so a retry gets the first
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
local function replay(ops, op)
  local done = redis.call('HGET', ops, op)
  if done then return cjson.decode(done) end
  return nil
end
local function remember(ops, op, reply)
  redis.call('HSET', ops, op, cjson.encode(reply))
  return reply
end
local function fail(ops, op, code)
  return remember(ops, op, {'ERR', code})
end
`;

/** KEYS: meta, log, entry...  ARGV: hostId, openedJson, then (entryId, quantity, price, limit) per entry. */
const OPEN = `${PRELUDE}
if redis.call('EXISTS', KEYS[1]) == 1 then
  return {'OK', tonumber(redis.call('HGET', KEYS[1], 'seq'))}
end
redis.call('HSET', KEYS[1], 'status', 'scheduled', 'hostId', ARGV[1], 'featured', '', 'seq', 0)
for i = 1, #KEYS - 2 do
  local a = 2 + (i - 1) * 4
  redis.call('HSET', KEYS[2 + i], 'id', ARGV[a + 1], 'quantity', ARGV[a + 2], 'claimed', 0,
    'price', ARGV[a + 3], 'limit', ARGV[a + 4])
end
local seq, json = append(KEYS[1], KEYS[2], '', ARGV[2])
return {'OK', seq, json}
`;

/** Host commands on the whole show. KEYS: meta, log, ops.  ARGV: actor, opKey, from, to, eventJson. */
const TRANSITION = `${PRELUDE}
local done = replay(KEYS[3], ARGV[2])
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
local done = replay(KEYS[4], ARGV[2])
if done then return done end
local m = redis.call('HMGET', KEYS[1], 'status', 'hostId')
if not m[1] then return {'ERR', 'NOT_FOUND'} end
if m[2] ~= ARGV[1] then return {'ERR', 'FORBIDDEN'} end
if m[1] == 'ended' then return fail(KEYS[4], ARGV[2], 'SHOW_ENDED') end
if redis.call('EXISTS', KEYS[2]) == 0 then return fail(KEYS[4], ARGV[2], 'NOT_FOUND') end
if ARGV[4] == 'feature' then
  redis.call('HSET', KEYS[1], 'featured', ARGV[3])
else
  redis.call('HSET', KEYS[2], 'price', ARGV[5])
end
local seq, json = append(KEYS[1], KEYS[3], '', ARGV[6])
return remember(KEYS[4], ARGV[2], {'OK', seq, json})
`;

/**
 * A viewer claims one unit of the featured entry. KEYS: meta, entry, buyers, ops, log, bans.
 * ARGV: actor, opKey, entryId, eventJson (without position and price, which are decided here).
 * Reply: {'OK', seq, eventJson, position}.
 */
const CLAIM = `${PRELUDE}
local done = replay(KEYS[4], ARGV[2])
if done then return done end
local m = redis.call('HMGET', KEYS[1], 'status', 'featured')
if not m[1] then return {'ERR', 'NOT_FOUND'} end
if redis.call('SISMEMBER', KEYS[6], ARGV[1]) == 1 then return {'ERR', 'BANNED'} end
if m[1] == 'ended' then return fail(KEYS[4], ARGV[2], 'SHOW_ENDED') end
if m[1] ~= 'live' then return fail(KEYS[4], ARGV[2], 'NOT_LIVE') end
if m[2] ~= ARGV[3] then return fail(KEYS[4], ARGV[2], 'NOT_FEATURED') end
local e = redis.call('HMGET', KEYS[2], 'quantity', 'claimed', 'price', 'limit')
local claimed = tonumber(e[2])
if claimed >= tonumber(e[1]) then return fail(KEYS[4], ARGV[2], 'SOLD_OUT') end
local mine = tonumber(redis.call('HGET', KEYS[3], ARGV[1]) or '0')
if mine >= tonumber(e[4]) then return fail(KEYS[4], ARGV[2], 'LIMIT_REACHED') end
redis.call('HINCRBY', KEYS[2], 'claimed', 1)
redis.call('HINCRBY', KEYS[3], ARGV[1], 1)
local position = claimed + 1
local seq, json = append(KEYS[1], KEYS[5], ',"position":' .. position .. ',"priceMinor":' .. e[3], ARGV[4])
return remember(KEYS[4], ARGV[2], {'OK', seq, json, position})
`;

/**
 * A chat message. KEYS: meta, bans, mutes, mods, lastChat, chatMessages, ops, log.
 * ARGV: actor, opKey, messageId, eventJson. Banned, muted and slow-mode refusals are not
 * remembered: they pass with time or a moderator's change.
 * Reply on slow mode: {'ERR', 'RATE_LIMITED', secondsToWait}.
 */
const CHAT = `${PRELUDE}
local done = replay(KEYS[7], ARGV[2])
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
local done = replay(KEYS[6], ARGV[2])
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

export const SCRIPTS = {
  showOpen: OPEN,
  showTransition: TRANSITION,
  showEntry: ENTRY,
  showClaim: CLAIM,
  showChat: CHAT,
  showModerate: MODERATE,
} as const;
