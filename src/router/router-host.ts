import { ResponseCache } from "../cache/response-cache.js";
import { narrowCapabilities } from "../catalog/index.js";
import {
  type LoadedPolicy,
  type LoadPolicyOptions,
  loadPolicy,
  type PolicyWatcher,
  watchPolicy,
} from "../config/index.js";
import {
  type Capabilities,
  type ChatRequest,
  type EmbeddingModel,
  InvalidOptionsError,
  type LanguageModel,
  PolicyFileError,
  type Provider,
  type ProviderConfig,
  type ProviderFactory,
  ProviderSetupError,
  type Route,
  RouterClosedError,
  type Strategy,
  SwitchyardError,
  type Target,
} from "../core/index.js";
import {
  actualCostUsd,
  type CountedTarget,
  countTextTokens,
  estimateCostUsd,
  loadTokenizer,
  PromptTokenCache,
  tokenizerFamily,
} from "../estimate/index.js";
import { RetryBudget } from "../state/index.js";
import { openRoutingState, type RoutingState } from "../state/redis/index.js";
import { callLogSink } from "../telemetry/call-log-sink.js";
import { type CallLogWriter, fileCallLog, functionCallLog } from "../telemetry/call-log-writer.js";
import { type OpenTelemetry, openTelemetry } from "../telemetry/index.js";
import { logRouterEvent, logSink } from "../telemetry/log-sink.js";
import { RouterLogger } from "../telemetry/router-logger.js";
import type { TelemetrySink } from "./call-observer.js";
import { defaultMaxTokens } from "./call-options.js";
import { conservativeCapabilities } from "./conservative-capabilities.js";
import { Occupancy } from "./occupancy.js";
import { PrefixAffinity } from "./prefix-affinity.js";
import type { RouterBackend } from "./router.js";
import type { CreateRouterOptions, PolicyKit } from "./router-options.js";
import { routerReadings } from "./router-readings.js";
import type { RoutingContext } from "./routing-context.js";
import { SecretRedactor } from "./secret-redactor.js";
import { buildTelemetry } from "./telemetry.js";

interface HostSetup {
  options: CreateRouterOptions;
  factories: ReadonlyMap<string, ProviderFactory>;
  policies: PolicyKit;
}

interface LiveProvider {
  config: string;
  provider: Provider;
}

/** A reload waiting behind the one that runs; a later request replaces its source. */
interface PendingReload {
  load: () => Promise<LoadedPolicy>;
  done: Promise<void>;
}

/**
 * Owns what outlives a call: providers (and their engines), limiters, the retry budget, the
 * policy watcher. A reload builds a new routing context; providers whose configuration did not
 * change are kept, so a local engine is not reloaded for an edit elsewhere in the file.
 *
 * Every provider it creates is closed exactly once: by the start or reload that created it when
 * that one fails, by the reload that replaces it, or by `close`.
 */
export class RouterHost implements RouterBackend {
  readonly #setup: HostSetup;
  readonly #redactor = new SecretRedactor();
  /** The store and limiters the policy's `state` section asks for; opened by `start`. */
  #state!: RoutingState;
  #providers = new Map<string, LiveProvider>();
  /** Every provider created and not closed yet, whichever policy it belongs to. */
  readonly #live = new Set<Provider>();
  /** Closes of providers a reload replaced, still running; `close` waits for them. */
  readonly #closingProviders = new Set<Promise<void>>();
  #context: RoutingContext | undefined;
  #retryBudget = new RetryBudget();
  #watcher: PolicyWatcher | undefined;
  /** Settles (never rejects) when the reload that runs now has ended; reloads never interleave. */
  #reloading: Promise<void> | undefined;
  #pending: PendingReload | undefined;
  #closed = false;
  /** Kept across reloads: calls in flight and cached prefixes do not change with the file. */
  readonly #occupancy = new Occupancy();
  readonly #affinity = new PrefixAffinity();
  /** Everything that watches calls; kept across reloads. */
  readonly #telemetry: TelemetrySink;
  /** The application's logger (silent without one); kept across reloads. */
  readonly #log: RouterLogger;
  /** Where the call log goes, when the options ask for one; closed by `close`. */
  readonly #callLog: CallLogWriter | undefined;
  /** Spans and metrics, when `@opentelemetry/api` is installed and not turned off. */
  readonly #openTelemetry: OpenTelemetry | undefined;

  private constructor(setup: HostSetup, otel: OpenTelemetry | undefined) {
    this.#setup = setup;
    const { options } = setup;
    this.#log = new RouterLogger(options.logger, options.logLevel ?? "info", this.#redactor);
    const sinks: TelemetrySink[] = options.logger ? [logSink(this.#log)] : [];
    const callLog = options.callLog;
    if (callLog) {
      this.#callLog =
        "path" in callLog && callLog.path !== undefined
          ? fileCallLog(callLog, this.#log)
          : functionCallLog(callLog as Extract<typeof callLog, { write: unknown }>, this.#log);
      sinks.push(
        callLogSink(this.#callLog, this.#redactor, {
          ...(callLog.content ? { content: true } : {}),
          ...(callLog.metadata ? { metadata: true } : {}),
        }),
      );
    }
    this.#openTelemetry = otel;
    if (otel) sinks.push(otel.sink);
    this.#telemetry = buildTelemetry(options, this.#emit, sinks);
  }

  /** Waits for the call log's file to open; a path that cannot be appended to fails the start. */
  async #openCallLog(): Promise<void> {
    try {
      await this.#callLog?.ready();
    } catch (error) {
      await this.#callLog?.close();
      throw new InvalidOptionsError(
        "createRouter",
        "callLog.path",
        `cannot append to the call log: ${this.#redactor.redact(errorMessage(error))}`,
      );
    }
  }

  /** Loads the policy, opens the state and creates the providers; a failure leaves nothing open. */
  static async start(setup: HostSetup): Promise<RouterHost> {
    // The sinks read the host only once calls run or a metric reader collects.
    const host: RouterHost = new RouterHost(
      setup,
      await openTelemetry(setup.options.telemetry, {
        redact: (text) => host.#redactor.redact(text),
        providerType: (id) => host.#providers.get(id)?.provider.type,
        readings: () => routerReadings(host.#context),
      }),
    );
    let loaded: LoadedPolicy;
    try {
      await host.#openCallLog();
      // The tokenizer is imported here rather than at package import, and before the first call,
      // so that no call waits for it (it holds the event loop ~100 ms while its tables are built).
      [loaded] = await Promise.all([host.#load(), loadTokenizer()]);
      host.#state = await openRoutingState(loaded.policy.state, {
        store: setup.options.state,
        health: loaded.policy.health,
        onEvent: host.#emit,
      });
    } catch (error) {
      await host.#callLog?.close();
      throw error;
    }
    try {
      await host.#apply(loaded);
      const watch = setup.options.watch ?? loaded.policy.watch;
      if (watch && loaded.file) {
        host.#watcher = watchPolicy(
          loaded.file,
          (next) => {
            // The outcome is reported as a policy-reload event.
            host.#requestReload(() => Promise.resolve(next)).catch(() => {});
          },
          (error) => host.#emit({ type: "policy-reload", ok: false, message: error.message }),
          host.#loadOptions(),
        );
      }
    } catch (error) {
      host.#closed = true;
      await host.#release().catch(() => {});
      throw error;
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

  reload(): Promise<void> {
    return this.#requestReload(() => this.#load());
  }

  async close(drained: Promise<void>): Promise<void> {
    this.#closed = true;
    this.#watcher?.close();
    await drained;
    // A reload in progress gives up before it commits and closes what it created.
    await this.#reloading;
    await this.#release();
  }

  /** Closes every limiter, provider and the store; rejects with the first failure once all are closed. */
  async #release(): Promise<void> {
    this.#openTelemetry?.close();
    this.#state.limiters.close(new RouterClosedError());
    const providers = [...this.#live];
    this.#live.clear();
    this.#providers = new Map();
    const results = await Promise.allSettled([
      ...providers.map(async (provider) => provider.close?.()),
      ...this.#closingProviders,
    ]);
    results.push(...(await Promise.allSettled([this.#state.store.close?.(), this.#callLog?.close()])));
    const failed = results.find((result) => result.status === "rejected");
    if (failed) throw failed.reason;
  }

  /**
   * Runs a reload now, or after the one that runs (reloads never interleave). Requests made while
   * one runs coalesce into one reload after it, from the latest request's source; each of them
   * resolves or rejects with that reload.
   */
  #requestReload(load: () => Promise<LoadedPolicy>): Promise<void> {
    if (this.#closed) return Promise.reject(new RouterClosedError());
    const pending = this.#pending;
    if (pending) {
      pending.load = load;
      return pending.done;
    }
    const running = this.#reloading;
    if (!running) return this.#runReload(load);
    const next: PendingReload = {
      load,
      done: running.then(() => {
        this.#pending = undefined;
        return this.#runReload(next.load);
      }),
    };
    this.#pending = next;
    return next.done;
  }

  #runReload(load: () => Promise<LoadedPolicy>): Promise<void> {
    const run = this.#reload(load);
    const settled = run.then(
      () => {},
      () => {},
    );
    this.#reloading = settled;
    void settled.then(() => {
      if (this.#reloading === settled) this.#reloading = undefined;
    });
    return run;
  }

  /** One reload, reported as a `policy-reload` event whether the watcher or `reload()` asked for it. */
  async #reload(load: () => Promise<LoadedPolicy>): Promise<void> {
    if (this.#closed) throw new RouterClosedError();
    try {
      await this.#apply(await load());
    } catch (error) {
      if (!RouterClosedError.isInstance(error)) {
        this.#emit({ type: "policy-reload", ok: false, message: errorMessage(error) });
      }
      throw error;
    }
    this.#emit({ type: "policy-reload", ok: true });
  }

  #load(): Promise<LoadedPolicy> {
    return loadPolicy(this.#setup.options.policy, this.#loadOptions());
  }

  /** The policy may name exactly the provider types and strategies this router has. */
  #loadOptions(): LoadPolicyOptions {
    const { options, factories, policies } = this.#setup;
    return {
      ...(options.env ? { env: options.env } : {}),
      ...(options.catalog !== undefined ? { catalog: options.catalog } : {}),
      providers: [...factories.values()],
      strategies: Object.keys(policies.strategies),
    };
  }

  #emit: RoutingContext["emit"] = (event) => {
    logRouterEvent(this.#log, event);
    try {
      this.#setup.options.onEvent?.(this.#redactor.redactValue(event));
    } catch {
      // A failing telemetry hook must not fail the call it reports on.
    }
  };

  /**
   * Builds the providers, targets and context of a policy and swaps them in. Nothing changes until
   * every step has succeeded: a failure (a factory that throws, a target naming an unknown
   * provider, an engine that does not load, `close` meanwhile) closes the providers this attempt
   * created, keeps the ones of the policy in force, and rejects.
   */
  async #apply(loaded: LoadedPolicy): Promise<void> {
    const { policy } = loaded;
    for (const secret of loaded.secrets) this.#redactor.register(secret);
    const previous = this.#providers;
    const previousBudget = this.#retryBudget;
    const providers = new Map<string, LiveProvider>();
    const created: Provider[] = [];
    try {
      for (const [id, config] of Object.entries(policy.providers)) {
        const fingerprint = JSON.stringify(config);
        const kept = previous.get(id);
        if (kept?.config === fingerprint) {
          providers.set(id, kept);
          continue;
        }
        const provider = await this.#create(id, config);
        created.push(provider);
        providers.set(id, { config: fingerprint, provider });
        if (this.#closed) throw new RouterClosedError();
      }
      const { targets, models, expanded } = await this.#buildTargets(policy.targets, providers);
      if (this.#closed) throw new RouterClosedError();
      this.#providers = providers;
      this.#retryBudget = new RetryBudget(policy.retryBudget);
      const context = this.#buildContext(loaded, targets, models, expanded);
      this.#state.limiters.update(
        [...targets.values()].filter((target) => Object.keys(target.limits).length > 0),
      );
      this.#context = context;
    } catch (error) {
      this.#providers = previous;
      this.#retryBudget = previousBudget;
      await Promise.allSettled(created.map((provider) => this.#closeProvider(provider)));
      throw error;
    }
    for (const [id, entry] of previous) {
      if (providers.get(id) === entry) continue;
      const closing = this.#closeProvider(entry.provider).catch(() => {
        // Replaced by a good reload; its close failing leaves nothing to undo and nobody to tell.
      });
      this.#closingProviders.add(closing);
      void closing.then(() => this.#closingProviders.delete(closing));
    }
  }

  async #buildTargets(
    declaredTargets: LoadedPolicy["policy"]["targets"],
    providers: ReadonlyMap<string, LiveProvider>,
  ): Promise<{
    targets: Map<string, Target>;
    models: Map<string, LanguageModel>;
    /** A policy target served by several engines (one per GPU) → its replica targets' ids. */
    expanded: Map<string, string[]>;
  }> {
    const targets = new Map<string, Target>();
    const models = new Map<string, LanguageModel>();
    const expanded = new Map<string, string[]>();
    for (const [id, declared] of Object.entries(declaredTargets)) {
      const live = providers.get(declared.provider);
      if (!live) throw new SwitchyardError(`target ${id} names unknown provider ${declared.provider}`);
      const { provider } = live;
      const replicas = (await provider.replicas?.()) ?? [];
      const { declared: declaredCapabilities, catalog, ...rest } = declared;
      const add = async (targetId: string, replica: string | undefined) => {
        const model = provider.languageModel(declared.model, replica);
        const described = (await provider.describe?.(declared.model, replica)) ?? {};
        const adapter: Partial<Capabilities> = {
          ...this.#setup.factories.get(provider.type)?.capabilities,
          ...model.capabilities,
          ...described,
        };
        // Precedence: the policy's fields, then the adapter narrowed by the catalog, then the least.
        const capabilities: Capabilities = {
          ...conservativeCapabilities,
          ...adapter,
          ...narrowCapabilities(adapter, catalog),
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
      // Every engine has loaded or failed before a failure is reported, so closing leaves none loading.
      const added = await Promise.allSettled(
        replicas.map((replica, index) => add(ids[index] as string, replica)),
      );
      const failed = added.find((result) => result.status === "rejected");
      if (failed) throw failed.reason;
      expanded.set(id, ids);
    }
    return { targets, models, expanded };
  }

  /**
   * Builds one provider with its type's factory. A factory that throws or rejects (or returns
   * something that is not a provider) is a `ProviderSetupError` naming the entry; `#apply` then
   * closes what this policy created before it.
   */
  async #create(id: string, config: ProviderConfig): Promise<Provider> {
    const factory = this.#setup.factories.get(config.type);
    if (!factory)
      throw new SwitchyardError(`provider ${id}: no adapter is registered for type "${config.type}"`);
    const { options } = this.#setup;
    let provider: Provider;
    try {
      provider = await factory.create(id, config, {
        registerSecret: (secret) => this.#redactor.register(secret),
        redact: (text) => this.#redactor.redact(text),
        logger: this.#log.bound({ provider: id }),
        ...(options.fetch ? { fetch: options.fetch } : {}),
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      });
    } catch (error) {
      // A factory's own positioned complaint about its entry already names it.
      if (RouterClosedError.isInstance(error) || PolicyFileError.isInstance(error)) throw error;
      throw new ProviderSetupError(id, config.type, this.#redactor.redact(errorMessage(error)), error);
    }
    if (typeof provider !== "object" || provider === null || typeof provider.languageModel !== "function") {
      throw new ProviderSetupError(
        id,
        config.type,
        "create returned no provider (an object with languageModel)",
      );
    }
    this.#live.add(provider);
    return provider;
  }

  /** Closes a provider once; a second call (or one after `close` took it) does nothing. */
  async #closeProvider(provider: Provider): Promise<void> {
    if (!this.#live.delete(provider)) return;
    await provider.close?.();
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
    const strategies = new Map<string, Strategy>();
    const promptTokens = new PromptTokenCache();
    // A priced target's model counts its own prompt where it can; an unpriced one costs nothing
    // either way, so it is not asked (a tokenize endpoint would add a round trip for nothing).
    const counted = (target: Target): CountedTarget => {
      const model = target.price.input > 0 ? models.get(target.id) : undefined;
      return { family: tokenizerFamily(target), ...(model ? { model } : {}) };
    };
    const retryBudget = this.#retryBudget;
    const redactor = this.#redactor;
    const limiters = this.#state.limiters;
    const providerOf = new Map<string, Provider>();
    const replicaOf = new Map<string, string>();
    const embeddingModels = new Map<string, EmbeddingModel>();
    for (const target of targets.values()) {
      const live = this.#providers.get(target.provider);
      if (live) providerOf.set(target.id, live.provider);
      if (target.group !== undefined) replicaOf.set(target.id, target.id.slice(target.group.length + 1));
    }
    return {
      load: (target) => providerOf.get(target)?.metrics?.(replicaOf.get(target)),
      embeddingModel: (target) => {
        let model = embeddingModels.get(target);
        if (!model) {
          const provider = providerOf.get(target);
          const declared = targets.get(target);
          if (!provider?.embeddingModel || !declared) return undefined;
          model = provider.embeddingModel(declared.model, replicaOf.get(target));
          embeddingModels.set(target, model);
        }
        return model;
      },
      occupancy: this.#occupancy,
      affinity: this.#affinity,
      routes,
      targets,
      models,
      defaultRoute: policy.defaultRoute ?? "default",
      ...(policy.select ? { select: policy.select } : {}),
      filters,
      strategy: (name) => {
        let strategy = strategies.get(name);
        if (!strategy) {
          const build = Object.hasOwn(policies.strategies, name) ? policies.strategies[name] : undefined;
          if (!build)
            throw new SwitchyardError(`route strategy "${name}" is not registered with this router`);
          strategy = build({
            random,
            ...(options.difficultyScorer ? { difficultyScorer: options.difficultyScorer } : {}),
          });
          strategies.set(name, strategy);
        }
        return strategy;
      },
      store,
      gate: (target) => limiters.get(target),
      retryBudget,
      countPrompt: (request, signal, routeTargets = []) =>
        promptTokens.count(request, signal, routeTargets.map(counted)),
      billablePromptTokens: (request, target) =>
        promptTokens.billable(request, counted(target)) + promptTokens.images(request, target),
      countBillableTokens: (text, target) => {
        const family = tokenizerFamily(target);
        return countTextTokens(text, { encoding: family });
      },
      estimate: (request, target) => {
        const ceiling = target?.capabilities.maxOutputTokens ?? defaultMaxTokens;
        return {
          promptTokens: promptTokens.get(request) + promptTokens.images(request, target),
          maxOutputTokens: request.maxTokens ?? Math.min(defaultMaxTokens, ceiling),
        };
      },
      estimateCostUsd,
      actualCostUsd,
      countTokens: (text) => countTextTokens(text),
      redact: (text) => redactor.redact(text),
      secrets: redactor,
      random,
      emit: this.#emit,
      telemetry: this.#telemetry,
      responseCache: new ResponseCache(routes.values(), store, this.#context?.responseCache),
      spendKeys,
      dailyBudgets: (route, request, target) =>
        spendKeys(route, request, target).flatMap((key) => {
          const limitUsd = dailyLimits.get(key);
          return limitUsd === undefined ? [] : [{ key, limitUsd }];
        }),
    };
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
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
