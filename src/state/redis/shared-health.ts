import type { BreakerState, HealthState } from "../../core/index.js";
import type { BreakerOptions } from "../health-options.js";

/** The JSON a replica reads back from the health key (written by `recordHealthScript`). */
interface StoredHealth {
  o: number;
  oa?: number;
  cf: number;
  ej: number;
  eu?: number;
  w: Record<string, [slot: number, calls: number, failures: number]>;
}

/** `TargetHealth.state(now)` over the shared JSON state; undefined when the key holds none. */
export function sharedHealthState(
  raw: string | null,
  now: number,
  breaker: BreakerOptions,
): HealthState | undefined {
  if (raw === null) return undefined;
  const stored = JSON.parse(raw) as StoredHealth;
  const bucketMs = breaker.windowMs / 10;
  let windowCalls = 0;
  let windowFailures = 0;
  // cjson writes an empty Lua table as [] or {}; both have no buckets.
  for (const [slot, calls, failures] of Object.values(stored.w ?? {})) {
    const start = slot * bucketMs;
    if (start > now - breaker.windowMs && start <= now) {
      windowCalls += calls;
      windowFailures += failures;
    }
  }
  let state: BreakerState = "closed";
  if (stored.o === 1) state = now >= (stored.oa ?? 0) + breaker.openMs ? "half-open" : "open";
  return {
    breaker: state,
    ...(stored.eu !== undefined && now < stored.eu ? { ejectedUntil: stored.eu } : {}),
    consecutiveFailures: stored.cf,
    ejections: stored.ej,
    windowCalls,
    windowFailures,
    ...(stored.oa === undefined ? {} : { openedAt: stored.oa }),
  };
}
