import {
  type BreakerOptions,
  defaultBreakerOptions,
  defaultEjectionOptions,
  type EjectionOptions,
} from "./health-options.js";
import { defaultLatencyPrior, type LatencyPrior } from "./latency-prior.js";

export interface InMemoryStateStoreOptions {
  /** Clock in ms since epoch; injected by tests. @default Date.now */
  now?: () => number;
  /**
   * Half-life of latency samples, ms: averages weigh samples by age, and figures older than this
   * are halfway back to the prior, so a provider that recovered is tried again. @default 60000
   */
  latencyHalfLifeMs?: number;
  /** Latency assumed for a target without recent calls. @default { ttftMs: 1000, outputTokensPerSec: 50 } */
  latencyPrior?: Partial<LatencyPrior>;
  /** @default { failureRatio: 0.5, minCalls: 20, windowMs: 60000, openMs: 30000 } */
  breaker?: Partial<BreakerOptions>;
  /** @default { consecutiveFailures: 5, baseMs: 30000, maxMs: 300000 } */
  ejection?: Partial<EjectionOptions>;
  /**
   * Expected wait in a target's rate-limiter queue, copied into each snapshot; the router wires
   * its limiters here. @default () => 0
   */
  queueWaitMs?: (target: string) => number;
}

export interface ResolvedStateStoreOptions {
  now: () => number;
  latencyHalfLifeMs: number;
  latencyPrior: LatencyPrior;
  breaker: BreakerOptions;
  ejection: EjectionOptions;
  queueWaitMs: (target: string) => number;
}

/** Applies defaults in one place and rejects settings that would break the state machines. */
export function resolveStateStoreOptions(options: InMemoryStateStoreOptions): ResolvedStateStoreOptions {
  const resolved: ResolvedStateStoreOptions = {
    now: options.now ?? Date.now,
    latencyHalfLifeMs: options.latencyHalfLifeMs ?? 60_000,
    latencyPrior: { ...defaultLatencyPrior, ...options.latencyPrior },
    breaker: { ...defaultBreakerOptions, ...options.breaker },
    ejection: { ...defaultEjectionOptions, ...options.ejection },
    queueWaitMs: options.queueWaitMs ?? (() => 0),
  };
  requirePositive("latencyHalfLifeMs", resolved.latencyHalfLifeMs);
  requirePositive("latencyPrior.ttftMs", resolved.latencyPrior.ttftMs);
  requirePositive("latencyPrior.outputTokensPerSec", resolved.latencyPrior.outputTokensPerSec);
  requirePositive("breaker.failureRatio", resolved.breaker.failureRatio);
  if (resolved.breaker.failureRatio > 1) {
    throw new RangeError(
      `InMemoryStateStore: breaker.failureRatio must be at most 1, got ${resolved.breaker.failureRatio}`,
    );
  }
  requirePositive("breaker.minCalls", resolved.breaker.minCalls);
  requirePositive("breaker.windowMs", resolved.breaker.windowMs);
  requirePositive("breaker.openMs", resolved.breaker.openMs);
  requirePositive("ejection.consecutiveFailures", resolved.ejection.consecutiveFailures);
  requirePositive("ejection.baseMs", resolved.ejection.baseMs);
  requirePositive("ejection.maxMs", resolved.ejection.maxMs);
  return resolved;
}

function requirePositive(name: string, value: number): void {
  if (!(Number.isFinite(value) && value > 0)) {
    throw new RangeError(`InMemoryStateStore: ${name} must be a positive number, got ${value}`);
  }
}
