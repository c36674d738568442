import { RedisScript } from "../redis-script.js";

/*
 * Shared admission for one target. The rate window is a hash of slots: `r:<slot>` requests and
 * `t:<slot>` tokens admitted in each slot (a 60th of the window), and `p` the 429 pause (ms since
 * epoch). A slot counts while it is one of the last 61, so every admission counts for at least a
 * full window and at most one slot more: no span of `windowMs` ever holds more than rpm requests or
 * tpm tokens, whichever replica admitted them. Concurrency is a sorted set of leases scored by
 * expiry, so the slots of a replica that died mid-call come back after `leaseMs`.
 * Every script reads the clock of Redis (TIME), so replicas' clocks never disagree about a window.
 */

const clock = `
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
`;

/**
 * KEYS: window hash, lease set. ARGV: rpm, tpm, maxConcurrent (0: none), windowMs, slotMs, weight,
 * lease id, leaseMs. Returns {1, slot, requests, tokens, running, 0} when admitted, else
 * {0, waitMs (−1: until a lease is released), requests, tokens, running, pausedUntil}.
 */
export const acquireScript = new RedisScript(`${clock}
local rpm = tonumber(ARGV[1])
local tpm = tonumber(ARGV[2])
local maxConcurrent = tonumber(ARGV[3])
local windowMs = tonumber(ARGV[4])
local slotMs = tonumber(ARGV[5])
local weight = tonumber(ARGV[6])
local span = math.floor(windowMs / slotMs)
local current = math.floor(now / slotMs)
local paused, requests, tokens = 0, 0, 0
local perSlot, slots, stale = {}, {}, {}
local fields = redis.call('HGETALL', KEYS[1])
for index = 1, #fields, 2 do
  local name, value = fields[index], tonumber(fields[index + 1])
  if name == 'p' then
    paused = value
  else
    local slot = tonumber(string.sub(name, 3))
    if slot < current - span then
      stale[#stale + 1] = name
    else
      if perSlot[slot] == nil then
        perSlot[slot] = { 0, 0 }
        slots[#slots + 1] = slot
      end
      if string.sub(name, 1, 1) == 'r' then
        perSlot[slot][1] = value
        requests = requests + value
      else
        perSlot[slot][2] = value
        tokens = tokens + value
      end
    end
  end
end
if #stale > 0 then redis.call('HDEL', KEYS[1], unpack(stale)) end
table.sort(slots)
local running = 0
if maxConcurrent > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
  running = redis.call('ZCARD', KEYS[2])
end
if now < paused then return { 0, paused - now, requests, tokens, running, paused } end
-- The time until enough old slots leave the window to free excess units of kind (1 requests, 2 tokens).
local function waitFor(kind, excess)
  local freed = 0
  for _, slot in ipairs(slots) do
    freed = freed + perSlot[slot][kind]
    if freed >= excess then return (slot + span + 1) * slotMs - now end
  end
  return (current + span + 1) * slotMs - now
end
local wait = 0
if rpm > 0 and requests + 1 > rpm then wait = math.max(wait, waitFor(1, requests + 1 - rpm)) end
if tpm > 0 and tokens + weight > tpm then wait = math.max(wait, waitFor(2, tokens + weight - tpm)) end
if wait > 0 then return { 0, wait, requests, tokens, running, paused } end
if maxConcurrent > 0 and running >= maxConcurrent then return { 0, -1, requests, tokens, running, paused } end
if rpm > 0 then redis.call('HINCRBY', KEYS[1], 'r:' .. current, 1) end
if tpm > 0 and weight > 0 then redis.call('HINCRBY', KEYS[1], 't:' .. current, weight) end
redis.call('PEXPIRE', KEYS[1], math.max(windowMs + 2 * slotMs, paused - now) + 1000)
if maxConcurrent > 0 then
  local leaseMs = tonumber(ARGV[8])
  redis.call('ZADD', KEYS[2], now + leaseMs, ARGV[7])
  redis.call('PEXPIRE', KEYS[2], leaseMs * 2)
  running = running + 1
end
return { 1, current, requests + 1, tokens + weight, running, 0 }
`);

/**
 * Gives back what an admission took (its caller gave up before using it), and the lease.
 * KEYS: window hash, lease set. ARGV: slot, requests (0/1), tokens, lease id.
 */
export const giveBackScript = new RedisScript(`
local slot = ARGV[1]
if tonumber(ARGV[2]) > 0 and redis.call('HEXISTS', KEYS[1], 'r:' .. slot) == 1 then
  redis.call('HINCRBY', KEYS[1], 'r:' .. slot, -tonumber(ARGV[2]))
end
if tonumber(ARGV[3]) > 0 and redis.call('HEXISTS', KEYS[1], 't:' .. slot) == 1 then
  redis.call('HINCRBY', KEYS[1], 't:' .. slot, -tonumber(ARGV[3]))
end
redis.call('ZREM', KEYS[2], ARGV[4])
return 1
`);

/**
 * Settles a token reservation: the difference goes into the slot the call was admitted in while
 * that slot still counts, so a refund never outlives the charge it refunds. Extra use with no live
 * slot is charged to the current one. KEYS: window hash. ARGV: slot (−1: unknown), delta,
 * windowMs, slotMs.
 */
export const chargeScript = new RedisScript(`${clock}
local slot = tonumber(ARGV[1])
local delta = tonumber(ARGV[2])
local windowMs = tonumber(ARGV[3])
local slotMs = tonumber(ARGV[4])
local current = math.floor(now / slotMs)
local live = slot >= current - math.floor(windowMs / slotMs) and redis.call('HEXISTS', KEYS[1], 't:' .. ARGV[1]) == 1
if live then
  redis.call('HINCRBY', KEYS[1], 't:' .. ARGV[1], delta)
elseif delta > 0 then
  redis.call('HINCRBY', KEYS[1], 't:' .. current, delta)
  redis.call('PEXPIRE', KEYS[1], windowMs + 2 * slotMs + 1000)
end
return 1
`);

/** After a 429: no replica admits a call before now + ms. KEYS: window hash. ARGV: ms, windowMs. */
export const pauseScript = new RedisScript(`${clock}
local untilMs = now + tonumber(ARGV[1])
local paused = tonumber(redis.call('HGET', KEYS[1], 'p') or '0')
if untilMs > paused then
  redis.call('HSET', KEYS[1], 'p', untilMs)
  redis.call('PEXPIRE', KEYS[1], math.max(tonumber(redis.call('PTTL', KEYS[1])), untilMs - now + tonumber(ARGV[2])))
end
return 1
`);

/**
 * Frees a concurrency slot and announces it, so a replica waiting for one asks again at once.
 * KEYS: lease set. ARGV: lease id, wake channel, target.
 */
export const releaseLeaseScript = new RedisScript(`
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('PUBLISH', ARGV[2], ARGV[3])
return 1
`);

/** Extends this replica's leases of calls still running. KEYS: lease set. ARGV: leaseMs, lease ids. */
export const renewScript = new RedisScript(`${clock}
local expiry = now + tonumber(ARGV[1])
for index = 2, #ARGV do redis.call('ZADD', KEYS[1], 'XX', expiry, ARGV[index]) end
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[1]) * 2)
return 1
`);
