export { checkPolicy, formatCheckReport, type PolicyCheckReport } from "./check-policy.js";
export { didYouMean } from "./did-you-mean.js";
export { type GatewaySettings, KEY_HASH_PATTERN, keySpendTag } from "./gateway-schema.js";
export { type Environment, interpolateEnv } from "./interpolate-env.js";
export { loadPolicy, loadPolicyText } from "./load-policy.js";
export { policyJsonSchema, policyJsonSchemaText } from "./policy-json-schema.js";
export { MAX_NESTING_DEPTH, MAX_POLICY_BYTES } from "./policy-limits.js";
export {
  createPolicyRegistry,
  type PolicyRegistry,
  type PolicyRegistryOptions,
} from "./policy-registry.js";
export {
  createPolicySchema,
  type ParsedPolicy,
  type PolicyFile,
  type PolicySchema,
} from "./policy-schema.js";
export { type PolicyWatcher, type WatchPolicyOptions, watchPolicy } from "./policy-watcher.js";
export type { LoadPolicyOptions } from "./prepare-policy.js";
export { configSchemaProblem, type ProviderEntry } from "./provider-schema.js";
export type {
  DailyBudget,
  DailyBudgets,
  HealthSettings,
  LoadedPolicy,
  ResolvedPolicy,
  ResolvedTarget,
  RetryBudgetSettings,
  SecuritySettings,
  StateSettings,
} from "./resolved-policy.js";
export { type BaseURLOptions, classifyHost, type HostKind, validateBaseURL } from "./validate-base-url.js";
