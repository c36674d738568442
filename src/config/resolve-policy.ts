import type { Capabilities, Route } from "../core/index.js";
import { isLocalProvider } from "./check-policy-rules.js";
import { keySpendTag } from "./gateway-schema.js";
import { factoryOf, type PolicyRegistry } from "./policy-registry.js";
import type { ParsedPolicy } from "./policy-schema.js";
import type { ProviderEntry } from "./provider-schema.js";
import type { HealthSettings, ResolvedPolicy, ResolvedTarget, TargetCatalog } from "./resolved-policy.js";

/** A record without a prototype: lookups by untrusted names never reach Object.prototype. */
function nullPrototype<T>(entries: Iterable<readonly [string, T]>): Record<string, T> {
  return Object.assign(Object.create(null) as Record<string, T>, Object.fromEntries(entries));
}

/** Drops keys whose value is undefined, so resolved objects hold only what is set. */
function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}

function resolveProvider(provider: ProviderEntry, baseDir: string, registry: PolicyRegistry): ProviderEntry {
  const factory = factoryOf(registry, provider);
  const resolved = factory?.resolve ? factory.resolve(provider, { baseDir }) : provider;
  return compact({ ...resolved });
}

function resolveTarget(
  id: string,
  target: ParsedPolicy["targets"][string],
  policy: ParsedPolicy,
  registry: PolicyRegistry,
  catalog: TargetCatalog | undefined,
): ResolvedTarget {
  const provider = policy.providers[target.provider];
  const local = isLocalProvider(provider, registry) ? true : provider?.local;
  const declared: Partial<Capabilities> = compact({
    logprobs: target.logprobs,
    tools: target.tools,
    jsonSchema: target.jsonSchema,
    streaming: target.streaming,
    vision: target.vision,
    contextWindow: target.contextWindow,
    maxOutputTokens: target.maxOutputTokens,
    local,
    noTraining: target.noTraining ?? provider?.noTraining,
  });
  const known = catalog?.entries.get(id);
  const catalogPrice = known?.price;
  return compact({
    id,
    provider: target.provider,
    providerType: provider?.type ?? "unknown",
    model: target.model,
    // Checks guarantee a price on every remote target (the policy's or the catalog's); the local
    // engine costs nothing per token.
    price: target.price ?? catalogPrice ?? { input: 0, output: 0 },
    priceSource: target.price !== undefined ? "policy" : catalogPrice !== undefined ? "catalog" : "none",
    limits: target.limits ?? {},
    weight: target.weight,
    tier: target.tier,
    maxAttempts: target.maxAttempts,
    firstTokenTimeoutMs: target.firstTokenTimeoutMs,
    idleTimeoutMs: target.idleTimeoutMs,
    declared,
    catalog: known,
  });
}

function resolveRoute(
  name: string,
  route: ParsedPolicy["routes"][string],
  health: ParsedPolicy["health"],
): Route {
  const { whenAllOpen, halfOpenProbes } = health;
  return compact({ name, ...route, targets: [...route.targets], whenAllOpen, halfOpenProbes });
}

/** The targets that set their own breaker or ejection thresholds; undefined when none does. */
function targetThresholds(policy: ParsedPolicy): HealthSettings["targets"] {
  const entries = Object.entries(policy.targets).flatMap(([id, target]) =>
    target.health ? [[id, compact({ ...target.health })] as const] : [],
  );
  return entries.length > 0 ? nullPrototype(entries) : undefined;
}

/**
 * Turns a validated, cross-checked policy into the objects the router works with. Defaults are
 * already applied by the schema; this only reshapes, lets each provider's factory resolve its entry
 * (the local engine's relative paths against `baseDir`) and marks local targets.
 */
export function resolvePolicy(
  policy: ParsedPolicy,
  baseDir: string,
  registry: PolicyRegistry,
  catalog?: TargetCatalog,
): ResolvedPolicy {
  const routes = nullPrototype(
    Object.entries(policy.routes).map(([name, route]) => [name, resolveRoute(name, route, policy.health)]),
  );
  const defaultRoute = policy.defaultRoute ?? (Object.hasOwn(routes, "default") ? "default" : undefined);
  return compact({
    providers: nullPrototype(
      Object.entries(policy.providers).map(([id, provider]) => [
        id,
        resolveProvider(provider, baseDir, registry),
      ]),
    ),
    targets: nullPrototype(
      Object.entries(policy.targets).map(([id, target]) => [
        id,
        resolveTarget(id, target, policy, registry, catalog),
      ]),
    ),
    routes,
    defaultRoute,
    select: policy.select?.map((rule) => ({ route: rule.route, when: structuredClone(rule.when) })),
    budgets: {
      tags: nullPrototype([...Object.entries(policy.budgets?.tags ?? {}), ...keyBudgets(policy)]),
      targets: nullPrototype(Object.entries(policy.budgets?.targets ?? {})),
      providers: nullPrototype(Object.entries(policy.budgets?.providers ?? {})),
    },
    retryBudget: { ...policy.retryBudget },
    watch: policy.watch,
    security: { ...policy.security },
    state: policy.state ? { ...policy.state } : { store: "memory" },
    health: compact({
      breaker: policy.health.breaker ? compact({ ...policy.health.breaker }) : undefined,
      ejection: policy.health.ejection ? compact({ ...policy.health.ejection }) : undefined,
      targets: targetThresholds(policy),
      halfOpenProbes: policy.health.halfOpenProbes,
      whenAllOpen: policy.health.whenAllOpen,
    }),
    gateway: policy.gateway ? structuredClone(policy.gateway) : undefined,
  });
}

/** A virtual key's daily budget is a tag budget on the tag its calls carry. */
function keyBudgets(policy: ParsedPolicy): [string, { dailyUsd: number }][] {
  return Object.entries(policy.gateway?.keys ?? {}).flatMap(([name, key]) =>
    key.dailyUsd === undefined ? [] : [[keySpendTag(name), { dailyUsd: key.dailyUsd }]],
  );
}
