--[[
  The host puts the queue in a new order. The list must hold every entry once.

  Input:
    KEYS[1] meta
    KEYS[2] entries
    KEYS[3] ops
    KEYS[4] log
    ARGV[1] actor
    ARGV[2] opKey
    ARGV[3] entryIdsJson every entry's id once, in the new order
    ARGV[4] eventJson
]]
local metaKey = KEYS[1]
local entriesKey = KEYS[2]
local opsKey = KEYS[3]
local logKey = KEYS[4]
local actor = ARGV[1]
local opKey = ARGV[2]
local entryIdsJson = ARGV[3]
local eventJson = ARGV[4]
local done = replay(opsKey, opKey, logKey)
if done then return done end
local refused = host_only(metaKey, opsKey, opKey, actor)
if refused then return refused end
local ids = cjson.decode(entryIdsJson)
if #ids ~= redis.call('SCARD', entriesKey) then return {'ERR', 'INVALID_INPUT'} end
local seen = {}
for _, id in ipairs(ids) do
  if seen[id] or redis.call('SISMEMBER', entriesKey, id) == 0 then return {'ERR', 'INVALID_INPUT'} end
  seen[id] = true
end
local seq, json = append(metaKey, logKey, '', eventJson)
return remember(opsKey, opKey, {'OK', seq, json})
