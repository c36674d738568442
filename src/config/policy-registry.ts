import type { ProviderFactory } from "../core/index.js";
import { DEFAULT_SECRET_FIELDS } from "./provider-schema.js";

/**
 * What a policy may name that is not its own: provider types (by their factories) and strategies.
 * The config loader knows no provider or strategy by name; the package entry registers the
 * built-ins, and a router's options add the user's.
 */
export interface PolicyRegistry {
  /** Factories by `type`. */
  readonly providers: ReadonlyMap<string, ProviderFactory>;
  /** Names a route's `strategy` may use. */
  readonly strategies: readonly string[];
}

export interface PolicyRegistryOptions {
  /** A factory whose `type` is already registered replaces the earlier one. */
  providers?: readonly ProviderFactory[];
  strategies?: readonly string[];
}

export function createPolicyRegistry(options: PolicyRegistryOptions = {}): PolicyRegistry {
  const providers = new Map<string, ProviderFactory>();
  for (const factory of options.providers ?? []) providers.set(factory.type, factory);
  return { providers, strategies: [...new Set(options.strategies ?? [])] };
}

/** Entry fields where `${ENV_NAME}` is expanded and values are secrets, over every registered type. */
export function secretFieldsOf(registry: PolicyRegistry): ReadonlySet<string> {
  const fields = new Set<string>();
  for (const factory of registry.providers.values()) {
    for (const field of factory.secretFields ?? DEFAULT_SECRET_FIELDS) fields.add(field);
  }
  return fields;
}

/** The factory of a provider entry (undefined for a type nothing registered). */
export function factoryOf(registry: PolicyRegistry, entry: { type: string } | undefined) {
  return entry === undefined ? undefined : registry.providers.get(entry.type);
}
