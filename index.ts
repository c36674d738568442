/**
 * Switchyard: route every LLM call through policies to OpenAI, Anthropic, Replicate,
 * OpenAI-compatible hosts or the in-process local engine. This entry wires the built-in
 * providers and policies into the router core.
 *
 * The import stays lean: the router, the policy loader (YAML) and their dependencies are imported
 * by the first `createRouter`, `loadPolicy` or `checkPolicy`; each provider's SDK when a policy
 * first creates a provider of its type; ioredis when a Redis store connects; the tokenizer when a
 * router starts; the model catalog's data, in a worker thread, when a policy has a target it covers.
 */

import { builtinPolicies, builtinStrategies } from "./policies/index.js";
import { aiSdkProvider } from "./providers/ai-sdk/index.js";
import { anthropicProvider } from "./providers/anthropic/anthropic-factory.js";
import { localProvider } from "./providers/local/local-factory.js";
import { openaiProvider } from "./providers/openai/openai-factory.js";
import { openaiCompatibleProvider } from "./providers/openai-compatible/openai-compatible-factory.js";
import { replicateProvider } from "./providers/replicate/replicate-factory.js";
import type {
  LoadedPolicy,
  LoadPolicyOptions,
  PolicyCheckReport,
  PolicyFile,
  PolicyRegistryOptions,
} from "./src/config/index.js";
import type { Gateway, GatewayOptions } from "./src/gateway/gateway-options.js";
import type { Router } from "./src/router/router.js";
import type { Builtins, CreateRouterOptions } from "./src/router/router-options.js";

/** The providers and policies every router gets; its options add to them or replace some by name. */
export const builtins: Builtins = {
  providers: [
    openaiProvider,
    anthropicProvider,
    replicateProvider,
    openaiCompatibleProvider,
    localProvider,
    aiSdkProvider,
  ],
  policies: {
    filters: () => builtinPolicies(),
    strategies: builtinStrategies,
  },
};

/**
 * Loads a policy (a YAML file's path or an object) and returns a router.
 *
 * @example
 * const router = await createRouter({ policy: "./routing.yaml" });
 * const result = await router.chat({ messages: [{ role: "user", content: "Hi" }] });
 */
export async function createRouter(options: CreateRouterOptions): Promise<Router> {
  const { createRouterWith } = await import("./src/router/create-router.js");
  return createRouterWith(builtins, options);
}

/**
 * Starts the HTTP gateway (`switchyard serve`): the router over the policy file behind an
 * OpenAI-compatible API, with the policy's virtual keys, health checks and Prometheus metrics.
 * Its server library (hono) is imported here, on first use, never by `import "switchyard-ai"`.
 *
 * @example
 * const gateway = await createGateway({ policy: "./routing.yaml", port: 4000 });
 * // POST http://127.0.0.1:4000/v1/chat/completions { "model": "default", "messages": [...] }
 * await gateway.close({ graceMs: 10_000 });
 */
export async function createGateway(options: GatewayOptions): Promise<Gateway> {
  const { startGateway } = await import("./src/gateway/start-gateway.js");
  return startGateway({ createRouter, loadPolicy }, options);
}

/** The options with the built-in provider types and strategies in front of the caller's own. */
function withBuiltins<T extends PolicyRegistryOptions>(options: T): T {
  return {
    ...options,
    providers: [...builtins.providers, ...(options.providers ?? [])],
    strategies: [...Object.keys(builtins.policies.strategies), ...(options.strategies ?? [])],
  };
}

/**
 * Loads and validates a policy without starting anything: the built-in provider types and
 * strategies plus those in `options`.
 *
 * @throws PolicyFileError listing every issue with file:line:col (objects: path only).
 */
export async function loadPolicy(
  source: string | PolicyFile,
  options: LoadPolicyOptions = {},
): Promise<LoadedPolicy> {
  const config = await import("./src/config/index.js");
  return config.loadPolicy(source, withBuiltins(options));
}

/** What `switchyard check` reports: errors and warnings, with the built-ins plus `options`' types. */
export async function checkPolicy(
  source: string | PolicyFile,
  options: LoadPolicyOptions = {},
): Promise<PolicyCheckReport> {
  const config = await import("./src/config/index.js");
  return config.checkPolicy(source, withBuiltins(options));
}

/**
 * The policy's JSON Schema (draft-07) for editors: the built-in provider types and strategies
 * plus `options`' own.
 */
export async function policyJsonSchema(
  options: PolicyRegistryOptions = {},
): Promise<Record<string, unknown>> {
  const config = await import("./src/config/index.js");
  return config.policyJsonSchema(config.createPolicyRegistry(withBuiltins(options)));
}

export type { JsonSchemaNode, SchemaValue } from "./local-engine/json-schema-grammar.js";
export type {
  EmbeddingInfo,
  EmbeddingPooling,
  EmbedOptions as LocalEmbedOptions,
  EmbedOutput,
  EngineBackend,
  EngineCompletion,
  EngineEvent,
  EngineFinishReason,
  EngineInfo,
  EngineMetrics,
  EngineTimings,
  EngineTool,
  GeneratedToken,
  GenerateRequest,
  GpuChoice,
  LocalEmbeddingOptions,
  LocalEngineOptions,
  StepPhaseMicros,
  TokenAlternative,
  ToolCallFormat,
} from "./local-engine/types.js";
export {
  type AiSdkProviderConfig,
  type AiSdkTypeConfig,
  aiSdkProviderType,
} from "./providers/ai-sdk/index.js";
export type { AnthropicProviderConfig } from "./providers/anthropic/anthropic-config-schema.js";
export type { AnthropicProviderOptions } from "./providers/anthropic/anthropic-provider-options.js";
export type {
  ChatCountRequest,
  ChatGenerateRequest,
  EngineHandle,
  EngineRun,
} from "./providers/local/engine-handle.js";
export type { LocalGpu, LocalProviderConfig } from "./providers/local/local-config-schema.js";
export { createLocalProvider } from "./providers/local/local-factory.js";
export {
  type EngineStart,
  LocalEngineUnavailableError,
  type LocalProviderOptions,
  startLocalEngine,
} from "./providers/local/local-provider.js";
export type { OpenAIProviderConfig } from "./providers/openai/openai-config-schema.js";
export type { ChatProviderOptions } from "./providers/openai/provider-options.js";
export type {
  OpenAICompatibleHost,
  OpenAICompatibleProviderConfig,
} from "./providers/openai-compatible/openai-compatible-config-schema.js";
export type { ReplicateProviderConfig } from "./providers/replicate/replicate-config-schema.js";
export type { ReplicateProviderOptions } from "./providers/replicate/replicate-provider-options.js";
export {
  baseURLField,
  providerConfigFields,
  secretField,
} from "./providers/shared/provider-config-fields.js";
export {
  bundledModelCatalog,
  type CatalogAnswer,
  type CatalogEntry,
  type CatalogQuery,
  type CatalogSources,
  createBundledModelCatalog,
  type ModelCatalog,
} from "./src/catalog/index.js";
export { formatCheckReport } from "./src/config/format-check-report.js";
export type {
  DailyBudget,
  DailyBudgets,
  Environment,
  GatewaySettings,
  HealthSettings,
  LoadedPolicy,
  LoadPolicyOptions,
  PolicyCheckReport,
  PolicyFile,
  PolicyRegistry,
  PolicyRegistryOptions,
  PolicySchema,
  ProviderEntry,
  ResolvedPolicy,
  ResolvedTarget,
  RetryBudgetSettings,
  SecuritySettings,
  StateSettings,
} from "./src/config/index.js";
export * from "./src/core/index.js";
export type { Gateway, GatewayOptions } from "./src/gateway/gateway-options.js";
export type { CachePreview } from "./src/router/cached-call.js";
export type { RoutePlan } from "./src/router/plan-route.js";
export type { CloseOptions, Router } from "./src/router/router.js";
export type {
  Builtins,
  CreateRouterOptions,
  PolicyKit,
  StrategyBuildOptions,
} from "./src/router/router-options.js";
export type {
  RouterStatus,
  RouteStatus,
  TargetHealthStatus,
  TargetLimiterStatus,
  TargetStatus,
} from "./src/router/router-status.js";
export type { AdmissionGate, CallOutcome, RouterEvent } from "./src/router/routing-context.js";
export type { SseFormat, SseOptions } from "./src/router/sse-encoding.js";
export type { ChatStream, SseResponseOptions } from "./src/router/stream-outputs.js";
export type { UsageReport, UsageTotals } from "./src/router/usage-report.js";
export { InMemoryStateStore } from "./src/state/in-memory-state-store.js";
export type {
  BreakerOptions,
  EjectionOptions,
  InMemoryStateStoreOptions,
  LatencyPrior,
  TargetThresholds,
} from "./src/state/index.js";
export type { RedisStateStoreOptions, StateEvent } from "./src/state/redis/index.js";
export type { RedisLimiterOptions } from "./src/state/redis/limits/redis-limiter-options.js";
export type { RedisLinkOptions, UnavailableMode } from "./src/state/redis/redis-link.js";
export { RedisStateStore } from "./src/state/redis/redis-state-store.js";
export { StateUnavailableError } from "./src/state/redis/state-unavailable-error.js";
export { type CallLogLine, callLogLineSchema, callLogVersion } from "./src/telemetry/call-log-line.js";
export type {
  CallLogFileOptions,
  CallLogFunctionOptions,
  CallLogOptions,
} from "./src/telemetry/call-log-writer.js";
export type {
  OpenTelemetryMeter,
  OpenTelemetryTracer,
  TelemetryOptions,
} from "./src/telemetry/telemetry-options.js";
