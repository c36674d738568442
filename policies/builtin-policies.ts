import type { Filter } from "../src/core/index.js";
import { capabilitiesPolicy } from "./capabilities/index.js";
import { costPolicy } from "./cost/index.js";
import { healthPolicy } from "./health/index.js";
import { createLatencyPolicy, type LatencyPolicyOptions } from "./latency/index.js";
import { privacyPolicy } from "./privacy/index.js";
import { createRateLimitPolicy, type RateLimitPolicyOptions } from "./rate-limit/index.js";

export type BuiltinPolicyOptions = LatencyPolicyOptions & RateLimitPolicyOptions;

/**
 * The built-in filters in the order the router applies them: hard constraints first (privacy,
 * capabilities), then health, then the soft ones that depend on the live state (cost, latency,
 * rate limits), so each rejection names the most fundamental reason.
 */
export function builtinPolicies(options: BuiltinPolicyOptions = {}): Filter[] {
  return [
    privacyPolicy,
    capabilitiesPolicy,
    healthPolicy,
    costPolicy,
    createLatencyPolicy(options),
    createRateLimitPolicy(options),
  ];
}
