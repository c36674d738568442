import { RedisScript } from "./redis-script.js";

/*
 * Spend is kept in integer nano-dollars: sums stay exact (no float drift when thousands of small
 * costs are added and holds come and go), and 2^53 nano-dollars is $9 million per key and day.
 * Each spend hash holds `total`, `held` (holds in flight), `input` and `output` (tokens), one
 * `c:<replica>`, `i:<replica>` and `o:<replica>` field per replica (the replica's running
 * contribution) and one `h:<hold>` field per hold in flight.
 */

/**
 * Sets this replica's contribution to each key (nano-dollars, input and output tokens) and adds
 * each increase to the key's `total`, `input` and `output`; notes each key in the day's index.
 * Writing the absolute contribution, not a delta, makes the write idempotent: a retry after a
 * lost reply, or a replay after Redis restarted empty, never counts a cost twice and never loses one.
 *
 * KEYS: the day's index set, then n spend hashes. ARGV: replica id, expire-at (ms since epoch),
 * then per key its spend key name, nano-dollars, input tokens and output tokens.
 */
export const contributeScript = new RedisScript(`
local replica = ARGV[1]
local counters = { { 'c:', 'total' }, { 'i:', 'input' }, { 'o:', 'output' } }
for index = 2, #KEYS do
  local key = KEYS[index]
  local base = 3 + (index - 2) * 4
  for slot, counter in ipairs(counters) do
    local field = counter[1] .. replica
    local wanted = tonumber(ARGV[base + slot])
    local current = tonumber(redis.call('HGET', key, field) or '0')
    if wanted > current then
      redis.call('HINCRBY', key, counter[2], string.format('%.0f', wanted - current))
      redis.call('HSET', key, field, string.format('%.0f', wanted))
    end
  end
  redis.call('SADD', KEYS[1], ARGV[base])
  redis.call('PEXPIREAT', key, ARGV[2])
end
redis.call('PEXPIREAT', KEYS[1], ARGV[2])
return 1
`);

/**
 * Holds an attempt's estimated cost against every daily limit at once, or refuses: for each key,
 * total + held + amount must stay within its limit (a limit of −1 means none). Expired holds (of a
 * replica that died mid-call) are dropped first. With force = 1 the limits are not checked: a
 * replica re-places its holds in flight after Redis came back empty; HSETNX keeps that idempotent.
 *
 * KEYS: n spend hashes, then their n hold sets. ARGV: hold id, amount, ttlMs, expire-at, force,
 * then n limits. Returns {1} or {0, index of the refusing key, its total + held}.
 */
export const holdScript = new RedisScript(`
local count = #KEYS / 2
local id = ARGV[1]
local amount = tonumber(ARGV[2])
local ttl = tonumber(ARGV[3])
local force = ARGV[5] == '1'
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
for index = 1, count do
  local spend, holds = KEYS[index], KEYS[count + index]
  for _, expired in ipairs(redis.call('ZRANGEBYSCORE', holds, '-inf', now)) do
    local held = redis.call('HGET', spend, 'h:' .. expired)
    if held then
      redis.call('HINCRBY', spend, 'held', string.format('%.0f', -tonumber(held)))
      redis.call('HDEL', spend, 'h:' .. expired)
    end
    redis.call('ZREM', holds, expired)
  end
  local limit = tonumber(ARGV[5 + index])
  if not force and limit >= 0 then
    local used = tonumber(redis.call('HGET', spend, 'total') or '0') + tonumber(redis.call('HGET', spend, 'held') or '0')
    if used + amount > limit then return { 0, index, string.format('%.0f', used) } end
  end
end
for index = 1, count do
  local spend, holds = KEYS[index], KEYS[count + index]
  if redis.call('HSETNX', spend, 'h:' .. id, string.format('%.0f', amount)) == 1 then
    redis.call('HINCRBY', spend, 'held', string.format('%.0f', amount))
  end
  redis.call('ZADD', holds, now + ttl, id)
  redis.call('PEXPIREAT', spend, ARGV[4])
  redis.call('PEXPIREAT', holds, ARGV[4])
end
return { 1 }
`);

/** Gives a hold back. KEYS: n spend hashes, then their n hold sets. ARGV: hold id. */
export const releaseScript = new RedisScript(`
local count = #KEYS / 2
local id = ARGV[1]
for index = 1, count do
  local spend, holds = KEYS[index], KEYS[count + index]
  local held = redis.call('HGET', spend, 'h:' .. id)
  if held then
    redis.call('HINCRBY', spend, 'held', string.format('%.0f', -tonumber(held)))
    redis.call('HDEL', spend, 'h:' .. id)
  end
  redis.call('ZREM', holds, id)
end
return 1
`);
