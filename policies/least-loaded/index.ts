export { leastLoadedStrategy } from "./least-loaded-strategy.js";
