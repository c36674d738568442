export { healthPolicy } from "./health-policy.js";
