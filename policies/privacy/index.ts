export { effectivePrivacy, privacyPolicy } from "./privacy-policy.js";
