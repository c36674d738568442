import { defaultLatencyPrior, type LatencyPrior } from "./latency-prior.js";

export interface LatencyPolicyOptions {
  /** Latency assumed for targets without statistics. @default { ttftMs: 1000, outputTokensPerSec: 50 } */
  latencyPrior?: Partial<LatencyPrior>;
  /**
   * Decayed sample weight below which a target's statistics count as unknown (one sample a
   * half-life old weighs 0.5), so a target that was slow is tried again once its record ages.
   * @default 0.5
   */
  minSamples?: number;
}

export function resolveLatencyOptions(options: LatencyPolicyOptions): {
  prior: LatencyPrior;
  minSamples: number;
} {
  const prior = { ...defaultLatencyPrior, ...options.latencyPrior };
  for (const [name, value] of Object.entries(prior)) {
    if (!(Number.isFinite(value) && value > 0)) {
      throw new RangeError(`latency policy: latencyPrior.${name} must be a positive number, got ${value}`);
    }
  }
  const minSamples = options.minSamples ?? 0.5;
  if (!(Number.isFinite(minSamples) && minSamples >= 0)) {
    throw new RangeError(`latency policy: minSamples must be a finite number ≥ 0, got ${minSamples}`);
  }
  return { prior, minSamples };
}
