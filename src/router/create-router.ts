import type { ProviderFactory } from "../core/index.js";
import { Router } from "./router.js";
import { RouterHost } from "./router-host.js";
import type { Builtins, CreateRouterOptions, PolicyKit } from "./router-options.js";
import { validateRouterOptions } from "./validate-router-options.js";

export type {
  Builtins,
  CreateRouterOptions,
  PolicyKit,
  StrategyBuildOptions,
} from "./router-options.js";

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
    policies: extendKit(options.policies ?? builtins.policies, options),
  });
  return new Router(host);
}

/** The kit with the options' filters and strategies added by name (a built-in's name replaces it). */
function extendKit(kit: PolicyKit, options: CreateRouterOptions): PolicyKit {
  const added = options.filters ?? [];
  const strategies = { ...kit.strategies };
  for (const strategy of options.strategies ?? []) strategies[strategy.name] = () => strategy;
  return {
    filters: () => {
      const filters = kit.filters();
      for (const filter of added) {
        const index = filters.findIndex((existing) => existing.name === filter.name);
        if (index === -1) filters.push(filter);
        else filters[index] = filter;
      }
      return filters;
    },
    strategies,
  };
}
