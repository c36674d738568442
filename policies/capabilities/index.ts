export { capabilitiesPolicy, unmetNeeds } from "./capabilities-policy.js";
export { type RequestNeeds, requestNeeds } from "./request-needs.js";
