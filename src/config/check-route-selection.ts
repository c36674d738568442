import { suggestion } from "./did-you-mean.js";
import type { ParsedPolicy } from "./policy-schema.js";
import type { RawIssue } from "./raw-issue.js";

type Rule = NonNullable<ParsedPolicy["select"]>[number];

/** A rule's conditions in one spelling: keys and lists sorted, so equal rules compare equal. */
function canonical(when: Rule["when"]): string {
  const sorted = (list: readonly string[] | undefined) => (list ? [...new Set(list)].sort() : undefined);
  const metadata = Object.entries(when.metadata ?? {})
    .map(([key, matcher]) => [
      key,
      typeof matcher === "object" && "in" in matcher ? { in: sorted(matcher.in) } : matcher,
    ])
    .sort(([a], [b]) => String(a).localeCompare(String(b)));
  return JSON.stringify({ includes: sorted(when.tags?.includes), any: sorted(when.tags?.any), metadata });
}

/** A rule without conditions: it matches every request. */
export function isCatchAll(when: Rule["when"]): boolean {
  return (
    when.tags?.includes === undefined &&
    when.tags?.any === undefined &&
    Object.keys(when.metadata ?? {}).length === 0
  );
}

/**
 * The `select` rules: each names a route of the policy, and each can match some request — a rule
 * after a catch-all (a rule without conditions) or repeating an earlier rule's conditions never
 * would, which is a mistake in the file, not a choice.
 */
export function checkRouteSelection(policy: ParsedPolicy): RawIssue[] {
  const issues: RawIssue[] = [];
  const seen = new Map<string, number>();
  let catchAll: number | undefined;
  for (const [index, rule] of (policy.select ?? []).entries()) {
    if (!Object.hasOwn(policy.routes, rule.route)) {
      const names = Object.keys(policy.routes);
      issues.push({
        path: ["select", index, "route"],
        message: `unknown route \`${rule.route}\`${suggestion(rule.route, names) || ` (known: ${names.join(", ")})`}`,
      });
    }
    const key = canonical(rule.when);
    if (catchAll !== undefined) {
      issues.push({
        path: ["select", index],
        message: `is unreachable: rule select[${catchAll}] has no conditions and matches every request first`,
      });
    } else if (seen.has(key)) {
      issues.push({
        path: ["select", index, "when"],
        message: `is unreachable: it repeats the conditions of rule select[${seen.get(key)}], which matches first`,
      });
    }
    if (!seen.has(key)) seen.set(key, index);
    if (catchAll === undefined && isCatchAll(rule.when)) catchAll = index;
  }
  return issues;
}
