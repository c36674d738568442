export { createRateLimitPolicy, type RateLimitPolicyOptions } from "./rate-limit-policy.js";
