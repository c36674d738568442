import { type LoadedPolicy, loadPolicy, type PolicyWatcher, watchPolicy } from "../config/index.js";
import {
  type Capabilities,
  type ChatRequest,
  type LanguageModel,
  type Provider,
  type ProviderConfig,
  type ProviderFactory,
  type Route,
  SwitchyardError,
  type Target,
} from "../core/index.js";
import { actualCostUsd, countPromptTokens, countTextTokens, estimateCostUsd } from "../estimate/index.js";
import { RetryBudget } from "../state/index.js";
import { openRoutingState, type RoutingState } from "../state/redis/open-routing-state.js";
import { defaultMaxTokens } from "./call-options.js";
import { type CreateRouterOptions, conservativeCapabilities, type PolicyKit } from "./create-router.js";
import { Occupancy } from "./occupancy.js";
import { PrefixAffinity } from "./prefix-affinity.js";
import type { RouterBackend } from "./router.js";
import type { RoutingContext } from "./routing-context.js";
import { SecretRedactor } from "./secret-redactor.js";

interface HostSetup {
  options: CreateRouterOptions;
  factories: ReadonlyMap<string, ProviderFactory>;
  policies: PolicyKit;
}

interface LiveProvider {
  config: string;
  provider: Provider;
}

/**
 * Owns what outlives a call: providers (and their engines), limiters, the retry budget, the
 * policy watcher. A reload builds a new routing context; providers whose configuration did not
 * change are kept, so a local engine is not reloaded for an edit elsewhere in the file.
 */
export class RouterHost implements RouterBackend {
  readonly #setup: HostSetup;
  readonly #redactor = new SecretRedactor();
  /** The store and limiters the policy's `state` section asks for; opened by `start`. */
  #state!: RoutingState;
  #providers = new Map<string, LiveProvider>();
  #context: RoutingContext | undefined;
  #retryBudget = new RetryBudget();
  #watcher: PolicyWatcher | undefined;
  /** Kept across reloads: calls in flight and cached prefixes do not change with the file. */
  readonly #occupancy = new Occupancy();
  readonly #affinity = new PrefixAffinity();

  private constructor(setup: HostSetup) {
    this.#setup = setup;
  }

  static async start(setup: HostSetup): Promise<RouterHost> {
    const host = new RouterHost(setup);
    const loaded = await host.#load();
    host.#state = await openRoutingState(loaded.policy.state, {
      store: setup.options.state,
      onEvent: host.#emit,
    });
    try {
      await host.#apply(loaded);
    } catch (error) {
      host.#state.limiters.close();
      await host.#state.store.close?.();
      throw error;
    }
    const watch = setup.options.watch ?? loaded.policy.watch;
    if (watch && loaded.file) {
      host.#watcher = watchPolicy(
        loaded.file,
        (next) => {
          host.#apply(next).then(
            () => host.#emit({ type: "policy-reload", ok: true }),
            (error: unknown) => host.#emit({ type: "policy-reload", ok: false, message: String(error) }),
          );
        },
        (error) => host.#emit({ type: "policy-reload", ok: false, message: error.message }),
        setup.options.env ? { env: setup.options.env } : {},
      );
    }
    return host;
  }

  context(): RoutingContext {
    if (!this.#context) throw new SwitchyardError("The router has no policy loaded");
    return this.#context;
  }

  providers(): Iterable<Provider> {
    return [...this.#providers.values()].map((entry) => entry.provider);
  }

  async reload(): Promise<void> {
    await this.#apply(await this.#load());
  }

  async close(): Promise<void> {
    this.#watcher?.close();
    this.#state.limiters.close();
    const providers = [...this.#providers.values()];
    this.#providers = new Map();
    await Promise.all(providers.map((entry) => entry.provider.close?.()));
    await this.#state.store.close?.();
  }

  #load(): Promise<LoadedPolicy> {
    const { options } = this.#setup;
    return loadPolicy(options.policy, options.env ? { env: options.env } : {});
  }

  #emit: RoutingContext["emit"] = (event) => {
    try {
      this.#setup.options.onEvent?.(this.#redactor.redactValue(event));
    } catch {
      // A failing telemetry hook must not fail the call it reports on.
    }
  };

  async #apply(loaded: LoadedPolicy): Promise<void> {
    const { policy } = loaded;
    for (const secret of loaded.secrets) this.#redactor.register(secret);
    const previous = this.#providers;
    const providers = new Map<string, LiveProvider>();
    for (const [id, config] of Object.entries(policy.providers)) {
      const fingerprint = JSON.stringify(config);
      const kept = previous.get(id);
      providers.set(
        id,
        kept?.config === fingerprint ? kept : { config: fingerprint, provider: this.#create(id, config) },
      );
    }
    const targets = new Map<string, Target>();
    const models = new Map<string, LanguageModel>();
    /** A policy target served by several engines (one per GPU) → its replica targets' ids. */
    const expanded = new Map<string, string[]>();
    for (const [id, declared] of Object.entries(policy.targets)) {
      const live = providers.get(declared.provider);
      if (!live) throw new SwitchyardError(`target ${id} names unknown provider ${declared.provider}`);
      const { provider } = live;
      const replicas = (await provider.replicas?.()) ?? [];
      const { declared: declaredCapabilities, ...rest } = declared;
      const add = async (targetId: string, replica: string | undefined) => {
        const model = provider.languageModel(declared.model, replica);
        const described = (await provider.describe?.(declared.model, replica)) ?? {};
        const capabilities: Capabilities = {
          ...conservativeCapabilities,
          ...model.capabilities,
          ...described,
          ...declaredCapabilities,
        };
        if (provider.local) capabilities.local = true;
        targets.set(targetId, {
          ...rest,
          id: targetId,
          capabilities,
          ...(replica === undefined ? {} : { group: id }),
        });
        models.set(targetId, model);
      };
      if (replicas.length === 0) {
        await add(id, undefined);
        continue;
      }
      const ids = replicas.map((replica) => `${id}@${replica}`);
      await Promise.all(replicas.map((replica, index) => add(ids[index] as string, replica)));
      expanded.set(id, ids);
    }
    this.#providers = providers;
    for (const [id, entry] of previous) {
      if (providers.get(id) !== entry) void entry.provider.close?.();
    }
    this.#state.limiters.update(
      [...targets.values()].filter((target) => Object.keys(target.limits).length > 0),
    );
    this.#retryBudget = new RetryBudget(policy.retryBudget);
    this.#context = this.#buildContext(loaded, targets, models, expanded);
  }

  #create(id: string, config: ProviderConfig): Provider {
    const factory = this.#setup.factories.get(config.type);
    if (!factory)
      throw new SwitchyardError(`provider ${id}: no adapter is registered for type "${config.type}"`);
    const { options } = this.#setup;
    return factory.create(id, config, {
      registerSecret: (secret) => this.#redactor.register(secret),
      redact: (text) => this.#redactor.redact(text),
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
  }

  #buildContext(
    loaded: LoadedPolicy,
    targets: ReadonlyMap<string, Target>,
    models: ReadonlyMap<string, LanguageModel>,
    expanded: ReadonlyMap<string, readonly string[]>,
  ): RoutingContext {
    const { policy } = loaded;
    const { policies, options } = this.#setup;
    const { store } = this.#state;
    const random = options.random ?? Math.random;
    // A route naming a target that runs on several engines lists every replica in its place.
    const routes = new Map(
      Object.entries(policy.routes).map(([name, route]) => [
        name,
        expanded.size === 0
          ? route
          : { ...route, targets: route.targets.flatMap((id) => expanded.get(id) ?? [id]) },
      ]),
    );
    const dailyLimits = dailyLimitsOf(policy, routes.values());
    const spendKeys = (route: Route, request: ChatRequest, target: Target) => [
      ...new Set([
        `route:${route.name}`,
        ...(request.tags ?? []).map((tag) => `tag:${tag}`),
        `target:${target.group ?? target.id}`,
        `provider:${target.provider}`,
      ]),
    ];
    const filters = policies.filters();
    const strategies = new Map<string, ReturnType<PolicyKit["strategy"]>>();
    const promptTokens = new WeakMap<ChatRequest, number>();
    const retryBudget = this.#retryBudget;
    const redactor = this.#redactor;
    const limiters = this.#state.limiters;
    const providerOf = new Map<string, Provider>();
    const replicaOf = new Map<string, string>();
    for (const target of targets.values()) {
      const live = this.#providers.get(target.provider);
      if (live) providerOf.set(target.id, live.provider);
      if (target.group !== undefined) replicaOf.set(target.id, target.id.slice(target.group.length + 1));
    }
    return {
      load: (target) => providerOf.get(target)?.metrics?.(replicaOf.get(target)),
      occupancy: this.#occupancy,
      affinity: this.#affinity,
      routes,
      targets,
      models,
      defaultRoute: policy.defaultRoute ?? "default",
      filters,
      strategy: (name) => {
        let strategy = strategies.get(name);
        if (!strategy) {
          strategy = policies.strategy(name, { random });
          strategies.set(name, strategy);
        }
        return strategy;
      },
      store,
      gate: (target) => limiters.get(target),
      retryBudget,
      estimate: (request, target) => {
        let prompt = promptTokens.get(request);
        if (prompt === undefined) {
          prompt = countPromptTokens(request.messages, request.tools, request.responseFormat);
          promptTokens.set(request, prompt);
        }
        const ceiling = target?.capabilities.maxOutputTokens ?? defaultMaxTokens;
        return {
          promptTokens: prompt,
          maxOutputTokens: request.maxTokens ?? Math.min(defaultMaxTokens, ceiling),
        };
      },
      estimateCostUsd,
      actualCostUsd,
      countTokens: countTextTokens,
      redact: (text) => redactor.redact(text),
      random,
      emit: this.#emit,
      spendKeys,
      dailyBudgets: (route, request, target) =>
        spendKeys(route, request, target).flatMap((key) => {
          const limitUsd = dailyLimits.get(key);
          return limitUsd === undefined ? [] : [{ key, limitUsd }];
        }),
    };
  }
}

/** Every daily limit of the policy, by the spend key it caps. */
function dailyLimitsOf(policy: LoadedPolicy["policy"], routes: Iterable<Route>): Map<string, number> {
  const limits = new Map<string, number>();
  for (const route of routes) {
    if (route.budget?.dailyUsd !== undefined) limits.set(`route:${route.name}`, route.budget.dailyUsd);
  }
  const sections = [
    ["tag", policy.budgets.tags],
    ["target", policy.budgets.targets],
    ["provider", policy.budgets.providers],
  ] as const;
  for (const [kind, budgets] of sections) {
    for (const [name, budget] of Object.entries(budgets)) limits.set(`${kind}:${name}`, budget.dailyUsd);
  }
  return limits;
}
