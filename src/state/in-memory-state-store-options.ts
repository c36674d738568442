import {
  type BreakerOptions,
  defaultBreakerOptions,
  defaultEjectionOptions,
  type EjectionOptions,
} from "./health-options.js";
import { defaultLatencyPrior, type LatencyPrior } from "./latency-prior.js";

/** Breaker and ejection thresholds of one target, over the store-wide ones. */
export interface TargetThresholds {
  breaker?: Partial<BreakerOptions>;
  ejection?: Partial<EjectionOptions>;
}

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
   * Thresholds per target id, over `breaker` and `ejection`; the replicas of a target (`small@gpu1`)
   * use those of `small`. @default {}
   */
  targets?: Record<string, TargetThresholds>;
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
  targets: Record<string, TargetThresholds>;
  queueWaitMs: (target: string) => number;
}

/** The thresholds that apply to one target: its own (or its policy target's) over the store's. */
export function thresholdsOf(
  options: ResolvedStateStoreOptions,
  target: string,
): { breaker: BreakerOptions; ejection: EjectionOptions } {
  const own = Object.hasOwn(options.targets, target)
    ? options.targets[target]
    : Object.hasOwn(options.targets, target.split("@")[0] ?? "")
      ? options.targets[target.split("@")[0] ?? ""]
      : undefined;
  if (own === undefined) return { breaker: options.breaker, ejection: options.ejection };
  return {
    breaker: { ...options.breaker, ...own.breaker },
    ejection: { ...options.ejection, ...own.ejection },
  };
}

/** Applies defaults in one place and rejects settings that would break the state machines. */
export function resolveStateStoreOptions(options: InMemoryStateStoreOptions): ResolvedStateStoreOptions {
  const resolved: ResolvedStateStoreOptions = {
    now: options.now ?? Date.now,
    latencyHalfLifeMs: options.latencyHalfLifeMs ?? 60_000,
    latencyPrior: { ...defaultLatencyPrior, ...options.latencyPrior },
    breaker: { ...defaultBreakerOptions, ...options.breaker },
    ejection: { ...defaultEjectionOptions, ...options.ejection },
    targets: { ...options.targets },
    queueWaitMs: options.queueWaitMs ?? (() => 0),
  };
  requirePositive("latencyHalfLifeMs", resolved.latencyHalfLifeMs);
  requirePositive("latencyPrior.ttftMs", resolved.latencyPrior.ttftMs);
  requirePositive("latencyPrior.outputTokensPerSec", resolved.latencyPrior.outputTokensPerSec);
  requireThresholds("", resolved.breaker, resolved.ejection);
  for (const target of Object.keys(resolved.targets)) {
    const { breaker, ejection } = thresholdsOf(resolved, target);
    requireThresholds(`targets.${target}.`, breaker, ejection);
  }
  return resolved;
}

function requireThresholds(at: string, breaker: BreakerOptions, ejection: EjectionOptions): void {
  requirePositive(`${at}breaker.failureRatio`, breaker.failureRatio);
  if (breaker.failureRatio > 1) {
    throw new RangeError(
      `InMemoryStateStore: ${at}breaker.failureRatio must be at most 1, got ${breaker.failureRatio}`,
    );
  }
  requirePositive(`${at}breaker.minCalls`, breaker.minCalls);
  requirePositive(`${at}breaker.windowMs`, breaker.windowMs);
  requirePositive(`${at}breaker.openMs`, breaker.openMs);
  requirePositive(`${at}ejection.consecutiveFailures`, ejection.consecutiveFailures);
  requirePositive(`${at}ejection.baseMs`, ejection.baseMs);
  requirePositive(`${at}ejection.maxMs`, ejection.maxMs);
}

function requirePositive(name: string, value: number): void {
  if (!(Number.isFinite(value) && value > 0)) {
    throw new RangeError(`InMemoryStateStore: ${name} must be a positive number, got ${value}`);
  }
}
