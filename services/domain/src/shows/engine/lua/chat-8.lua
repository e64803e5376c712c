--[[
  A chat message. Banned, muted and slow-mode refusals are not remembered: they pass with
  time or a moderator's change. Reply on slow mode: {'ERR', 'RATE_LIMITED',
  secondsToWait}.

  Input:
    KEYS[1] meta
    KEYS[2] bans
    KEYS[3] mutes
    KEYS[4] mods
    KEYS[5] lastChat
    KEYS[6] chatMessages
    KEYS[7] ops
    KEYS[8] log
    ARGV[1] actor
    ARGV[2] opKey
    ARGV[3] messageId
    ARGV[4] eventJson
]]
local metaKey = KEYS[1]
local bansKey = KEYS[2]
local mutesKey = KEYS[3]
local modsKey = KEYS[4]
local lastChatKey = KEYS[5]
local chatMessagesKey = KEYS[6]
local opsKey = KEYS[7]
local logKey = KEYS[8]
local actor = ARGV[1]
local opKey = ARGV[2]
local messageId = ARGV[3]
local eventJson = ARGV[4]
local done = replay(opsKey, opKey, logKey)
if done then return done end
local m = redis.call('HMGET', metaKey, 'status', 'hostId', 'slowMs')
if not m[1] then return {'ERR', 'NOT_FOUND'} end
if m[1] == 'ended' then return fail(opsKey, opKey, 'SHOW_ENDED') end
if redis.call('SISMEMBER', bansKey, actor) == 1 then return {'ERR', 'BANNED'} end
local now = now_ms()
if tonumber(redis.call('HGET', mutesKey, actor) or '0') > now then return {'ERR', 'MUTED'} end
local staff = m[2] == actor or redis.call('SISMEMBER', modsKey, actor) == 1
local slow = tonumber(m[3] or '0')
if not staff and slow > 0 then
  local wait = slow - (now - tonumber(redis.call('HGET', lastChatKey, actor) or '0'))
  if wait > 0 then return {'ERR', 'RATE_LIMITED', math.ceil(wait / 1000)} end
end
redis.call('HSET', lastChatKey, actor, now)
redis.call('HSET', chatMessagesKey, messageId, actor)
local seq, json = append(metaKey, logKey, '', eventJson)
return remember(opsKey, opKey, {'OK', seq, json})
