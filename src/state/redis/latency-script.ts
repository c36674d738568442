import { RedisScript } from "./redis-script.js";

/**
 * Adds one successful call to a target's shared latency figures, merging every replica's calls.
 * The in-memory `TargetLatency` decays its sums at each sample; here each sample instead enters
 * with weight 2^((at − ref) / halfLife) against a fixed reference time `ref`, so adding is O(1)
 * and order-free across replicas: means and quantiles are ratios, in which `ref` cancels. When
 * weights grow past 2^64 the sums are rebased to the new sample's time (long before doubles
 * would overflow). For samples arriving in time order the figures equal the in-memory ones.
 *
 * JSON: `ref`, `ts`/`tw` time-to-first-token sum and weight, `ss`/`sw` output speed sum and
 * weight, `h` the sketch (`b<bucket>` = weight), `ht` its total weight, `up` newest sample time.
 *
 * KEYS: latency key. ARGV: at, ttftMs, sketch bucket, output tokens/s (−1: none), halfLifeMs, ttlMs.
 */
export const recordLatencyScript = new RedisScript(`
local at = tonumber(ARGV[1])
local ttft = tonumber(ARGV[2])
local bucket = 'b' .. ARGV[3]
local speed = tonumber(ARGV[4])
local halfLife = tonumber(ARGV[5])
local raw = redis.call('GET', KEYS[1])
local s
if raw then
  s = cjson.decode(raw)
else
  s = { ref = at, ts = 0, tw = 0, ss = 0, sw = 0, h = {}, ht = 0, up = 0 }
end
local exponent = (at - s.ref) / halfLife
if exponent > 64 then
  local factor = 2 ^ (-exponent)
  s.ts = s.ts * factor
  s.tw = s.tw * factor
  s.ss = s.ss * factor
  s.sw = s.sw * factor
  s.ht = s.ht * factor
  local kept = {}
  for name, weight in pairs(s.h) do
    if weight * factor > 1e-9 then kept[name] = weight * factor end
  end
  s.h = kept
  s.ref = at
  exponent = 0
end
local weight = 2 ^ exponent
s.ts = s.ts + ttft * weight
s.tw = s.tw + weight
s.h[bucket] = (s.h[bucket] or 0) + weight
s.ht = s.ht + weight
if speed >= 0 then
  s.ss = s.ss + speed * weight
  s.sw = s.sw + weight
end
if at > s.up then s.up = at end
redis.call('SET', KEYS[1], cjson.encode(s), 'PX', ARGV[6])
return 1
`);
