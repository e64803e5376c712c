--[[
  Moderation. The host and its moderators delete messages, ban and mute; only the host
  picks moderators and sets slow mode. Nobody bans or mutes the host; only the host acts
  on a moderator.

  Input:
    KEYS[1] meta
    KEYS[2] bans
    KEYS[3] mutes
    KEYS[4] mods
    KEYS[5] chatMessages
    KEYS[6] ops
    KEYS[7] log
    ARGV[1] actor
    ARGV[2] opKey
    ARGV[3] action
    ARGV[4] target
    ARGV[5] value
    ARGV[6] eventJson
]]
local metaKey = KEYS[1]
local bansKey = KEYS[2]
local mutesKey = KEYS[3]
local modsKey = KEYS[4]
local chatMessagesKey = KEYS[5]
local opsKey = KEYS[6]
local logKey = KEYS[7]
local actor = ARGV[1]
local opKey = ARGV[2]
local action = ARGV[3]
local target = ARGV[4]
local value = ARGV[5]
local eventJson = ARGV[6]
local done = replay(opsKey, opKey, logKey)
if done then return done end
local m = redis.call('HMGET', metaKey, 'status', 'hostId')
if not m[1] then return {'ERR', 'NOT_FOUND'} end
local host = m[2] == actor
local staff = host or redis.call('SISMEMBER', modsKey, actor) == 1
if not staff then return {'ERR', 'FORBIDDEN'} end
if (action == 'moderator' or action == 'slow') and not host then return {'ERR', 'FORBIDDEN'} end
if m[1] == 'ended' then return fail(opsKey, opKey, 'SHOW_ENDED') end
local extra = ''
if action == 'delete' then
  if redis.call('HDEL', chatMessagesKey, target) == 0 then return fail(opsKey, opKey, 'NOT_FOUND') end
elseif action == 'ban' or action == 'mute' then
  if target == m[2] or target == actor then return {'ERR', 'FORBIDDEN'} end
  if not host and redis.call('SISMEMBER', modsKey, target) == 1 then return {'ERR', 'FORBIDDEN'} end
  if action == 'ban' then
    redis.call('SADD', bansKey, target)
    redis.call('SREM', modsKey, target)
  else
    local untilAt = now_ms() + tonumber(value) * 60000
    redis.call('HSET', mutesKey, target, untilAt)
    extra = ',"untilAt":' .. string.format('%d', untilAt)
  end
elseif action == 'moderator' then
  if target == m[2] then return {'ERR', 'CONFLICT'} end
  if value == 'on' then redis.call('SADD', modsKey, target) else redis.call('SREM', modsKey, target) end
elseif action == 'slow' then
  redis.call('HSET', metaKey, 'slowMs', tonumber(value) * 1000)
else
  return {'ERR', 'INVALID_INPUT'}
end
local seq, json = append(metaKey, logKey, extra, eventJson)
return remember(opsKey, opKey, {'OK', seq, json})
