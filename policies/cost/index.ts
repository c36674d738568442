export { cheapestStrategy } from "./cheapest-strategy.js";
export { type CostPolicyOptions, createCostPolicy } from "./cost-policy.js";
export { formatUsd } from "./format-usd.js";
