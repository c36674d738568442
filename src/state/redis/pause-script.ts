import { RedisScript } from "./redis-script.js";

/**
 * A 429 pause shared by every replica: the key holds until when (ms since epoch) the target
 * admits nothing, and expires then. Atomic, so a shorter pause never shortens a longer one that
 * another replica set meanwhile.
 *
 * KEYS: pause key. ARGV: until (ms since epoch), ms from now until then (the key's TTL).
 */
export const pauseTargetScript = new RedisScript(`
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
local untilMs = tonumber(ARGV[1])
if untilMs > current then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) end
return 1
`);
