--[[
  Host commands on the whole show.

  Input:
    KEYS[1] meta
    KEYS[2] log
    KEYS[3] ops
    ARGV[1] actor
    ARGV[2] opKey
    ARGV[3] from        the statuses it may leave, as ',scheduled,live,'
    ARGV[4] to
    ARGV[5] eventJson
]]
local metaKey = KEYS[1]
local logKey = KEYS[2]
local opsKey = KEYS[3]
local actor = ARGV[1]
local opKey = ARGV[2]
local from = ARGV[3]
local to = ARGV[4]
local eventJson = ARGV[5]
local done = replay(opsKey, opKey, logKey)
if done then return done end
local m = redis.call('HMGET', metaKey, 'status', 'hostId')
if not m[1] then return {'ERR', 'NOT_FOUND'} end
if m[2] ~= actor then return {'ERR', 'FORBIDDEN'} end
if not string.find(from, ',' .. m[1] .. ',', 1, true) then
  if m[1] == 'ended' then return fail(opsKey, opKey, 'SHOW_ENDED') end
  return fail(opsKey, opKey, 'CONFLICT')
end
redis.call('HSET', metaKey, 'status', to)
if to == 'ended' then redis.call('HSET', metaKey, 'featured', '') end
local seq, json = append(metaKey, logKey, '', eventJson)
return remember(opsKey, opKey, {'OK', seq, json})
