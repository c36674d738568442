/**
 * Switchyard: route every LLM call through policies to OpenAI, Anthropic, Replicate,
 * OpenAI-compatible hosts or the in-process local engine. This entry wires the built-in
 * providers and policies into the router core.
 */

import { builtinPolicies, strategyFor } from "./policies/index.js";
import { anthropicProvider } from "./providers/anthropic/index.js";
import { localProvider } from "./providers/local/index.js";
import { openaiProvider } from "./providers/openai/index.js";
import { openaiCompatibleProvider } from "./providers/openai-compatible/index.js";
import { replicateProvider } from "./providers/replicate/index.js";
import { type Builtins, type CreateRouterOptions, createRouterWith } from "./src/router/create-router.js";
import type { Router } from "./src/router/router.js";

/** The providers and policies every router gets unless its options replace them. */
export const builtins: Builtins = {
  providers: [openaiProvider, anthropicProvider, replicateProvider, openaiCompatibleProvider, localProvider],
  policies: {
    filters: () => builtinPolicies(),
    strategy: (name, options) => strategyFor(name, options),
  },
};

/**
 * Loads a policy (a YAML file's path or an object) and returns a router.
 *
 * @example
 * const router = await createRouter({ policy: "./routing.yaml" });
 * const result = await router.chat({ messages: [{ role: "user", content: "Hi" }] });
 */
export function createRouter(options: CreateRouterOptions): Promise<Router> {
  return createRouterWith(builtins, options);
}

export type { DifficultyScorer } from "./policies/index.js";
export {
  type ChatGenerateRequest,
  createLocalProvider,
  type EngineHandle,
  type EngineRun,
  type EngineStart,
  LocalEngineUnavailableError,
  type LocalProviderOptions,
  startLocalEngine,
} from "./providers/local/index.js";
export { checkPolicy, formatCheckReport, loadPolicy, type PolicyFile } from "./src/config/index.js";
export * from "./src/core/index.js";
export type { ChatStream } from "./src/router/chat-stream.js";
export type { CreateRouterOptions, PolicyKit } from "./src/router/create-router.js";
export type { RoutePlan } from "./src/router/plan-route.js";
export { type CloseOptions, Router } from "./src/router/router.js";
export type { AdmissionGate, RouterEvent } from "./src/router/routing-context.js";
export { InMemoryStateStore } from "./src/state/index.js";
export {
  RedisStateStore,
  type RedisStateStoreOptions,
  type StateEvent,
  StateUnavailableError,
} from "./src/state/redis/index.js";
