export { orderedStrategy } from "./ordered-strategy.js";
