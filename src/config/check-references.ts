import { suggestion } from "./did-you-mean.js";
import type { ParsedPolicy } from "./policy-schema.js";
import type { RawIssue } from "./raw-issue.js";

function unknownName(kind: string, name: string, known: Record<string, unknown>): string {
  const names = Object.keys(known);
  const hint = suggestion(name, names) || (names.length > 0 ? ` (known: ${names.join(", ")})` : "");
  return `unknown ${kind} \`${name}\`${hint}`;
}

/**
 * Every name the policy uses must exist: a target's provider, a route's targets, a route's
 * fallback, the default route, the targets and providers given budgets. Fallback chains must
 * end: a cycle is named with its routes.
 */
export function checkReferences(policy: ParsedPolicy): RawIssue[] {
  const issues: RawIssue[] = [];
  const sections = { providers: "provider", targets: "target", routes: "route" } as const;
  for (const [section, noun] of Object.entries(sections)) {
    if (Object.keys(policy[section as keyof typeof sections]).length === 0) {
      issues.push({ path: [section], message: `at least one ${noun} is required` });
    }
  }
  for (const [id, target] of Object.entries(policy.targets)) {
    if (!Object.hasOwn(policy.providers, target.provider)) {
      issues.push({
        path: ["targets", id, "provider"],
        message: unknownName("provider", target.provider, policy.providers),
      });
    }
  }
  for (const [name, route] of Object.entries(policy.routes)) {
    const seen = new Set<string>();
    route.targets.forEach((target, index) => {
      const path = ["routes", name, "targets", index];
      if (!Object.hasOwn(policy.targets, target)) {
        issues.push({ path, message: unknownName("target", target, policy.targets) });
      } else if (seen.has(target)) {
        issues.push({ path, message: `target \`${target}\` is listed twice` });
      }
      seen.add(target);
    });
    if (route.fallback !== undefined && !Object.hasOwn(policy.routes, route.fallback)) {
      issues.push({
        path: ["routes", name, "fallback"],
        message: unknownName("route", route.fallback, policy.routes),
      });
    }
  }
  if (policy.defaultRoute !== undefined && !Object.hasOwn(policy.routes, policy.defaultRoute)) {
    issues.push({
      path: ["defaultRoute"],
      message: unknownName("route", policy.defaultRoute, policy.routes),
    });
  }
  const budgeted = { targets: policy.targets, providers: policy.providers } as const;
  for (const [section, known] of Object.entries(budgeted)) {
    const noun = section === "targets" ? "target" : "provider";
    for (const id of Object.keys(policy.budgets?.[section as keyof typeof budgeted] ?? {})) {
      if (!Object.hasOwn(known, id)) {
        issues.push({ path: ["budgets", section, id], at: "key", message: unknownName(noun, id, known) });
      }
    }
  }
  issues.push(...checkFallbackCycles(policy));
  return issues;
}

function checkFallbackCycles(policy: ParsedPolicy): RawIssue[] {
  const issues: RawIssue[] = [];
  const reported = new Set<string>();
  for (const start of Object.keys(policy.routes)) {
    const chain: string[] = [];
    let current: string | undefined = start;
    while (current !== undefined && Object.hasOwn(policy.routes, current) && !chain.includes(current)) {
      chain.push(current);
      current = policy.routes[current]?.fallback;
    }
    if (current === undefined || !chain.includes(current)) continue;
    const cycle = chain.slice(chain.indexOf(current));
    // Each cycle is found once from every route on it (and from routes leading into it).
    const key = [...cycle].sort().join("\u0000");
    if (reported.has(key)) continue;
    reported.add(key);
    const first = cycle[0] ?? current;
    issues.push({
      path: ["routes", first, "fallback"],
      message: `fallback cycle: ${[...cycle, first].join(" → ")}`,
    });
  }
  return issues;
}
