import type {
  ChatRequest,
  MetadataMatcher,
  RouteRule,
  RouteRuleWhen,
  RouteSelection,
} from "../core/index.js";

/** One metadata value against one matcher: exact, one of a list, or a prefix — never a regex. */
function matchesValue(value: string, matcher: MetadataMatcher): boolean {
  if (typeof matcher === "string") return value === matcher;
  if ("in" in matcher) return matcher.in.includes(value);
  return value.startsWith(matcher.prefix);
}

/** Whether a request meets every condition of a rule; linear in the rule's size. */
export function ruleMatches(
  when: RouteRuleWhen,
  tags: ReadonlySet<string>,
  metadata: ChatRequest["metadata"],
): boolean {
  if (when.tags?.includes && !when.tags.includes.every((tag) => tags.has(tag))) return false;
  if (when.tags?.any && !when.tags.any.some((tag) => tags.has(tag))) return false;
  for (const [key, matcher] of Object.entries(when.metadata ?? {})) {
    const value = metadata !== undefined && Object.hasOwn(metadata, key) ? metadata[key] : undefined;
    if (value === undefined || !matchesValue(value, matcher)) return false;
  }
  return true;
}

/**
 * The route of a request: the one it names wins; else the first `select` rule its tags and
 * metadata match; else the policy's default route. Bounded by the policy's few rules.
 */
export function selectRoute(
  request: Pick<ChatRequest, "route" | "tags" | "metadata">,
  rules: readonly RouteRule[],
  defaultRoute: string,
): RouteSelection {
  if (request.route !== undefined) return { by: "request", route: request.route };
  const tags = new Set(request.tags);
  const index = rules.findIndex((rule) => ruleMatches(rule.when, tags, request.metadata));
  const rule = rules[index];
  return rule ? { by: "rule", rule: index, route: rule.route } : { by: "default", route: defaultRoute };
}
