import type { ModelCatalog } from "../catalog/index.js";
import type { CatalogProviderRef } from "../core/index.js";
import { isLocalProvider } from "./check-policy-rules.js";
import { factoryOf, type PolicyRegistry } from "./policy-registry.js";
import type { ParsedPolicy } from "./policy-schema.js";
import type { TargetCatalog } from "./resolved-policy.js";

/**
 * Looks up every remote target whose provider's factory names a catalog provider, in one batch;
 * targets of a provider the catalog turns out not to cover are left out. Nothing is asked (and
 * the catalog not loaded) when no target qualifies.
 */
export async function lookUpTargets(
  policy: ParsedPolicy,
  registry: PolicyRegistry,
  catalog: ModelCatalog,
): Promise<TargetCatalog | undefined> {
  const asked: { id: string; provider: CatalogProviderRef; model: string }[] = [];
  for (const [id, target] of Object.entries(policy.targets)) {
    const entry = policy.providers[target.provider];
    if (entry === undefined || isLocalProvider(entry, registry)) continue;
    const provider = factoryOf(registry, entry)?.catalogProvider?.(entry);
    if (provider !== undefined) asked.push({ id, provider, model: target.model });
  }
  if (asked.length === 0) return undefined;
  const answer = await catalog.lookup(asked.map(({ provider, model }) => ({ provider, model })));
  return {
    sources: answer.sources,
    entries: new Map(
      asked.flatMap(({ id }, index) =>
        answer.providers[index] === undefined ? [] : [[id, answer.entries[index]] as const],
      ),
    ),
  };
}
