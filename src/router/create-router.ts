import type { PolicyFile } from "../config/index.js";
import type {
  Capabilities,
  ProviderFactory,
  RoutingPolicy,
  StateStore,
  StrategyName,
} from "../core/index.js";
import { Router } from "./router.js";
import { RouterHost } from "./router-host.js";
import type { RouterEvent } from "./routing-context.js";
import { validateRouterOptions } from "./validate-router-options.js";

/** The routing policies a router applies; the package entry wires the built-in ones. */
export interface PolicyKit {
  /** The filters, in order; budgets and limits reach them through `PolicyInput.limits`. */
  filters(): RoutingPolicy[];
  strategy(name: StrategyName, options: { random: () => number }): RoutingPolicy;
}

export interface Builtins {
  providers: readonly ProviderFactory[];
  policies: PolicyKit;
}

export interface CreateRouterOptions {
  /** A YAML policy file's path, or the same structure as an object. */
  policy: string | PolicyFile;
  /** Provider factories added to the built-ins (a factory with a built-in `type` replaces it). */
  providers?: ProviderFactory[];
  /**
   * Routing state built in code (e.g. a `RedisStateStore`); wins over the policy's `state`.
   * @default what the policy's `state` section asks for (a new in-memory store unless it says redis)
   */
  state?: StateStore;
  /** Replaces the routing filters (privacy, capabilities, health, cost, latency, rate limits). */
  policies?: PolicyKit;
  /** fetch used by the provider SDKs (tests, proxies). @default globalThis.fetch */
  fetch?: typeof globalThis.fetch;
  /** Where `${VAR}` secrets are read from. @default process.env */
  env?: Record<string, string | undefined>;
  /** Model load progress of local engines, 0..1. */
  onProgress?: (event: { provider: string; fraction: number }) => void;
  /** Telemetry: attempts, retries, fallbacks, reloads. Strings are redacted. */
  onEvent?: (event: RouterEvent) => void;
  /** Reload the policy file when it changes. @default the policy's `watch` */
  watch?: boolean;
  /** Random source for jitter and the weighted strategy. @default Math.random */
  random?: () => number;
}

/** Default capabilities for what neither the adapter nor the policy says: assume the least. */
export const conservativeCapabilities: Capabilities = {
  logprobs: 0,
  tools: false,
  jsonSchema: false,
  streaming: true,
  contextWindow: 8192,
  local: false,
  noTraining: false,
};

/**
 * Builds a router from a policy with the given provider factories and policies. Malformed options
 * reject with `InvalidOptionsError` naming the option; a start that fails closes whatever it opened.
 */
export async function createRouterWith(builtins: Builtins, given: CreateRouterOptions): Promise<Router> {
  const options = validateRouterOptions(given);
  const factories = new Map<string, ProviderFactory>();
  for (const factory of [...builtins.providers, ...(options.providers ?? [])])
    factories.set(factory.type, factory);
  const host = await RouterHost.start({
    options,
    factories,
    policies: options.policies ?? builtins.policies,
  });
  return new Router(host);
}
