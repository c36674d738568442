import type { Filter } from "../../src/core/index.js";

export interface RateLimitPolicyOptions {
  /** Longest wait in a target's rate-limiter queue worth taking, ms. @default no limit beyond the SLO and deadline */
  maxQueueWaitMs?: number;
}

/**
 * Skips a target rather than waiting on it: removes it when the wait in its rate-limiter queue
 * alone would break the TTFT or total SLO, outlast the call's deadline, or exceed
 * `maxQueueWaitMs`. Another target that can answer now is better than a slot later.
 */
export function createRateLimitPolicy(options: RateLimitPolicyOptions = {}): Filter {
  const { maxQueueWaitMs } = options;
  if (maxQueueWaitMs !== undefined && !(Number.isFinite(maxQueueWaitMs) && maxQueueWaitMs >= 0)) {
    throw new RangeError(
      `rate-limit policy: maxQueueWaitMs must be a finite number ≥ 0, got ${maxQueueWaitMs}`,
    );
  }
  return {
    kind: "filter",
    name: "rate-limit",
    filter({ limits, candidates, snapshot }) {
      const { slo, timeoutMs: deadlineMs } = limits;
      return candidates.flatMap(({ target }) => {
        const waitMs = snapshot.queueWaitMs.get(target.id) ?? 0;
        if (waitMs <= 0) return [];
        const limits: [number | undefined, string][] = [
          [slo.ttftMs, "TTFT SLO"],
          [slo.totalMs, "total SLO"],
          [deadlineMs, "call deadline"],
        ];
        const broken = limits.find(([limit]) => limit !== undefined && waitMs >= limit);
        const wait = `rate limiter would hold the call ~${Math.round(waitMs)} ms`;
        if (broken) {
          return [
            {
              target: target.id,
              reason: `${wait}, past the ${broken[0]} ms ${broken[1]}; skipped rather than waited on`,
            },
          ];
        }
        if (maxQueueWaitMs !== undefined && waitMs > maxQueueWaitMs) {
          return [
            {
              target: target.id,
              reason: `${wait}, over the ${maxQueueWaitMs} ms allowed wait; skipped rather than waited on`,
            },
          ];
        }
        return [];
      });
    },
  };
}
