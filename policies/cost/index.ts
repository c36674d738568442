export { cheapestStrategy } from "./cheapest-strategy.js";
export { costPolicy } from "./cost-policy.js";
