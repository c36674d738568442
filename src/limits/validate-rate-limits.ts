import type { RateLimits } from "../core/index.js";

/** Every limit is a positive integer; the error names the target and the limit. */
export function validateRateLimits(target: string, limits: RateLimits): RateLimits {
  for (const [name, value] of Object.entries(limits)) {
    if (value !== undefined && !(Number.isInteger(value) && value > 0)) {
      throw new RangeError(`targets.${target}.limits.${name} must be a positive integer, got ${value}`);
    }
  }
  return limits;
}
