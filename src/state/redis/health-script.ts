import { RedisScript } from "./redis-script.js";

/**
 * `TargetHealth.record` (src/state/target-health.ts) in Lua, so that every replica's results move
 * one shared breaker and one ejection streak, atomically. The state is a JSON value:
 * `o` open (0/1), `oa` opened at, `cf` consecutive failures, `ej` ejections in a row, `eu` ejected
 * until, `w` the breaker's window as ten buckets `b<slot % 10>` = [slot, calls, failures].
 * Times are the observations' own (`at`), as in the in-memory store. Parity with TargetHealth is
 * tested scenario by scenario (test/redis/redis-state-store.test.ts).
 *
 * KEYS: health key. ARGV: at, failed (0/1), opensBreaker (0/1), failureRatio, minCalls, windowMs,
 * openMs, consecutiveFailures, baseMs, maxMs, ttlMs.
 */
export const recordHealthScript = new RedisScript(`
local raw = redis.call('GET', KEYS[1])
local s
if raw then s = cjson.decode(raw) else s = { o = 0, cf = 0, ej = 0, w = {} } end
local at = tonumber(ARGV[1])
local failed = ARGV[2] == '1'
local opens = ARGV[3] == '1'
local ratio = tonumber(ARGV[4])
local minCalls = tonumber(ARGV[5])
local windowMs = tonumber(ARGV[6])
local openMs = tonumber(ARGV[7])
local maxStreak = tonumber(ARGV[8])
local baseMs = tonumber(ARGV[9])
local maxMs = tonumber(ARGV[10])
local bucketMs = windowMs / 10

local function openBreaker() s.o = 1; s.oa = at; s.w = {} end
local function closeBreaker() s.o = 0; s.oa = nil; s.w = {} end

local state = 'closed'
if s.o == 1 then
  if at >= (s.oa or 0) + openMs then state = 'half-open' else state = 'open' end
end
if state == 'half-open' then
  if failed then openBreaker() else closeBreaker() end
elseif state == 'closed' then
  if failed and opens then
    openBreaker()
  else
    local slot = math.floor(at / bucketMs)
    local name = 'b' .. (slot % 10)
    local bucket = s.w[name]
    if bucket == nil or bucket[1] ~= slot then
      bucket = { slot, 0, 0 }
      s.w[name] = bucket
    end
    bucket[2] = bucket[2] + 1
    if failed then
      bucket[3] = bucket[3] + 1
      local calls, failures = 0, 0
      for _, b in pairs(s.w) do
        local start = b[1] * bucketMs
        if start > at - windowMs and start <= at then
          calls = calls + b[2]
          failures = failures + b[3]
        end
      end
      if calls >= minCalls and failures / calls >= ratio then openBreaker() end
    end
  end
end

if not (s.eu ~= nil and at < s.eu) then
  if not failed then
    s.cf = 0
    s.ej = 0
  else
    s.cf = s.cf + 1
    if s.cf >= maxStreak then
      s.ej = s.ej + 1
      s.cf = 0
      s.eu = at + math.min(baseMs * s.ej, maxMs)
    end
  end
end
redis.call('SET', KEYS[1], cjson.encode(s), 'PX', ARGV[11])
return 1
`);
