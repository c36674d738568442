import { factoryOf, type PolicyRegistry } from "./policy-registry.js";
import type { ParsedPolicy } from "./policy-schema.js";
import type { RawIssue } from "./raw-issue.js";
import type { TargetCatalog } from "./resolved-policy.js";
import { validateBaseURL } from "./validate-base-url.js";

type ParsedProvider = ParsedPolicy["providers"][string];

/**
 * Runs on this host: its factory says every provider of its type is local (the bundled engine), or
 * the operator declared the entry `local: true`.
 */
export function isLocalProvider(provider: ParsedProvider | undefined, registry: PolicyRegistry): boolean {
  if (provider === undefined) return false;
  return provider.local === true || factoryOf(registry, provider)?.capabilities.local === true;
}

/**
 * Rules that keep a valid-looking policy from doing the wrong thing at run time: a `local-only`
 * route can never reach a remote target (not even through its fallback routes), a
 * quality-threshold route has both tiers, remote targets are priced by the policy or the model
 * catalog (else budgets would count them as free; a price is never guessed), and no baseURL
 * points at a metadata service.
 */
export function checkPolicyRules(
  policy: ParsedPolicy,
  registry: PolicyRegistry,
  catalog?: TargetCatalog,
): RawIssue[] {
  const issues: RawIssue[] = [];
  const isLocalTarget = (targetId: string) => {
    const target = policy.targets[targetId];
    return target === undefined || isLocalProvider(policy.providers[target.provider], registry);
  };
  for (const [name, route] of Object.entries(policy.routes)) {
    if (route.privacy === "local-only") {
      route.targets.forEach((targetId, index) => {
        if (isLocalTarget(targetId)) return;
        const provider = policy.targets[targetId]?.provider ?? "";
        issues.push({
          path: ["routes", name, "targets", index],
          message: `route \`${name}\` is local-only but target \`${targetId}\` (provider \`${provider}\`) is remote; declare the provider \`local: true\` only if it runs on this host`,
        });
      });
      issues.push(...checkLocalOnlyFallbacks(policy, name, isLocalTarget));
    }
    if (route.fallbackOnContentFilter && route.fallbackOn && !route.fallbackOn.includes("content_filter")) {
      issues.push({
        path: ["routes", name, "fallbackOn"],
        message:
          "leaves out `content_filter` while `fallbackOnContentFilter` is true; add `content_filter` to `fallbackOn` and drop the flag",
      });
    }
    if (route.strategy === "quality-threshold") {
      const tiers = route.targets.map((targetId) => policy.targets[targetId]?.tier);
      if (!tiers.includes("strong") || !tiers.includes("weak")) {
        issues.push({
          path: ["routes", name, "targets"],
          message:
            "the quality-threshold strategy needs at least one target with `tier: strong` and one with `tier: weak`",
        });
      }
    }
  }
  for (const [id, target] of Object.entries(policy.targets)) {
    const provider = policy.providers[target.provider];
    if (target.price !== undefined || provider === undefined || isLocalProvider(provider, registry)) continue;
    if (catalog?.entries.get(id)?.price !== undefined) continue;
    const why = !catalog?.entries.has(id)
      ? ""
      : catalog.entries.get(id) === undefined
        ? `; the model catalog (${catalog.sources.prices}) does not know \`${target.model}\``
        : `; the model catalog (${catalog.sources.prices}) has no price for \`${target.model}\``;
    issues.push({
      path: ["targets", id, "price"],
      message: `is required for a remote target (US dollars per 1M tokens; write \`{ input: 0, output: 0 }\` for a free host)${why}`,
    });
  }
  for (const [id, provider] of Object.entries(policy.providers)) {
    if (typeof provider.baseURL !== "string") continue;
    const problem = validateBaseURL(provider.baseURL, { allowPrivate: policy.security.allowPrivateBaseURLs });
    if (problem !== undefined) issues.push({ path: ["providers", id, "baseURL"], message: problem });
  }
  return issues;
}

/** A local-only call that exhausts its route must not continue on a remote one. */
function checkLocalOnlyFallbacks(
  policy: ParsedPolicy,
  name: string,
  isLocalTarget: (targetId: string) => boolean,
): RawIssue[] {
  const visited = new Set([name]);
  let fallback = policy.routes[name]?.fallback;
  while (fallback !== undefined && !visited.has(fallback)) {
    visited.add(fallback);
    const remote = policy.routes[fallback]?.targets.find((targetId) => !isLocalTarget(targetId));
    if (remote !== undefined) {
      return [
        {
          path: ["routes", name, "fallback"],
          message: `route \`${name}\` is local-only but falls back to route \`${fallback}\`, whose target \`${remote}\` is remote`,
        },
      ];
    }
    fallback = policy.routes[fallback]?.fallback;
  }
  return [];
}
