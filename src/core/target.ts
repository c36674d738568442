import type { Capabilities } from "./capabilities.js";

/** Prices in US dollars per million tokens. */
export interface Price {
  input: number;
  output: number;
  cachedInput?: number;
}

export interface RateLimits {
  /** Requests per minute. */
  rpm?: number;
  /** Tokens (prompt + max output) per minute. */
  tpm?: number;
  maxConcurrent?: number;
  /** Calls allowed to wait in the limiter's queue. @default 100 */
  maxQueue?: number;
}

/** A resolved target: provider + model + what it costs and can do. */
export interface Target {
  id: string;
  provider: string;
  providerType: string;
  model: string;
  price: Price;
  /**
   * Where `price` came from: the policy's target, the model catalog, or neither (a local target,
   * which costs nothing per token). Set on every target the router builds.
   */
  priceSource?: "policy" | "catalog" | "none";
  capabilities: Capabilities;
  limits: RateLimits;
  /** For the weighted strategy. @default 1 */
  weight: number;
  /** For the quality-threshold strategy. */
  tier?: "strong" | "weak";
  /** Attempts on this target per call (first + retries). @default 3 */
  maxAttempts: number;
  /** Per-try limit until the first token here; overrides the route's, never the call's deadline. */
  firstTokenTimeoutMs?: number;
  /** Longest gap between tokens here; overrides the route's, never the call's deadline. */
  idleTimeoutMs?: number;
  /**
   * The policy's target this one is a replica of (`small` for `small@gpu1`): replicas serve the same
   * model, so the router spreads calls over them by load and prompt-prefix affinity.
   */
  group?: string;
}
