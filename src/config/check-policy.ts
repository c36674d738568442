import { formatPolicyIssue, PolicyFileError, type PolicyIssue } from "../core/index.js";
import { valueAt } from "./format-issues.js";
import { toPolicySource } from "./load-policy.js";
import { placeIssues } from "./place-issues.js";
import { factoryOf, secretFieldsOf } from "./policy-registry.js";
import type { PolicyFile } from "./policy-schema.js";
import { type LoadPolicyOptions, type PreparedPolicy, preparePolicy } from "./prepare-policy.js";
import type { RawIssue } from "./raw-issue.js";
import type { ResolvedPolicy } from "./resolved-policy.js";

export interface PolicyCheckReport {
  ok: boolean;
  /** The policy file as given, when it came from one. */
  file?: string;
  /** What stops the policy from loading. */
  errors: PolicyIssue[];
  /** Legal, but probably not what the operator meant. */
  warnings: PolicyIssue[];
  policy?: ResolvedPolicy;
}

/**
 * What `switchyard check` reports: every error that stops the policy from loading or, for a
 * policy that loads, what looks unintended (unused entries, keys written in the file, a local
 * provider's own warnings such as a missing local model file, an SLO longer than the route's deadline). Never throws for a bad
 * policy; it reports it.
 */
export async function checkPolicy(
  source: string | PolicyFile,
  options: LoadPolicyOptions = {},
): Promise<PolicyCheckReport> {
  const file = typeof source === "string" ? source : undefined;
  const base = file !== undefined ? { file } : {};
  try {
    const prepared = preparePolicy(await toPolicySource(source), options);
    const warnings = placeIssues(findWarnings(prepared), file, prepared.locate);
    return { ok: true, ...base, errors: [], warnings, policy: prepared.loaded.policy };
  } catch (error) {
    if (!PolicyFileError.isInstance(error)) throw error;
    return { ok: false, ...base, errors: error.issues, warnings: [] };
  }
}

function findWarnings({ parsed, written, loaded, registry }: PreparedPolicy): RawIssue[] {
  const warnings: RawIssue[] = [];
  const usedTargets = new Set(Object.values(parsed.routes).flatMap((route) => route.targets));
  const usedProviders = new Set(Object.values(parsed.targets).map((target) => target.provider));
  for (const id of Object.keys(parsed.targets)) {
    if (!usedTargets.has(id))
      warnings.push({ path: ["targets", id], at: "key", message: "is not used by any route" });
  }
  for (const [id, provider] of Object.entries(parsed.providers)) {
    if (!usedProviders.has(id))
      warnings.push({ path: ["providers", id], at: "key", message: "is not used by any target" });
    for (const field of secretFieldsOf(registry)) {
      const value = valueAt(written, ["providers", id, field]);
      if (typeof value === "string" && !value.includes("${")) {
        warnings.push({
          path: ["providers", id, field],
          message:
            // biome-ignore lint/suspicious/noTemplateCurlyInString: the text shows the literal ${ENV_NAME} syntax
            'is written in the policy; use "${ENV_NAME}" so the key stays out of files and version control',
        });
      }
    }
    const resolved = loaded.policy.providers[id];
    const check = factoryOf(registry, provider)?.check;
    if (resolved !== undefined && check !== undefined) {
      for (const warning of check(resolved)) {
        warnings.push({ path: ["providers", id, ...warning.path], message: warning.message });
      }
    }
  }
  for (const [name, route] of Object.entries(parsed.routes)) {
    if (route.slo?.totalMs !== undefined && route.slo.totalMs > route.timeoutMs) {
      warnings.push({
        path: ["routes", name, "slo", "totalMs"],
        message: `is longer than the route's timeoutMs (${route.timeoutMs}); calls are cut at timeoutMs`,
      });
    }
  }
  if (loaded.policy.defaultRoute === undefined) {
    warnings.push({
      path: ["routes"],
      at: "key",
      message: "no `defaultRoute` and no route named `default`: every call must name its route",
    });
  }
  return warnings;
}

/** The report as `switchyard check` prints it. */
export function formatCheckReport(report: PolicyCheckReport): string {
  const name = report.file ?? "<policy>";
  const lines: string[] = [];
  if (!report.ok) {
    lines.push(`${name}: invalid (${report.errors.length} error${report.errors.length === 1 ? "" : "s"})`);
    lines.push(...report.errors.map(formatPolicyIssue));
    return lines.join("\n");
  }
  const policy = report.policy;
  if (policy !== undefined) {
    const count = (record: object, noun: string) => {
      const size = Object.keys(record).length;
      return `${size} ${noun}${size === 1 ? "" : "s"}`;
    };
    lines.push(
      `${name}: ok (${count(policy.providers, "provider")}, ${count(policy.targets, "target")}, ${count(policy.routes, "route")})`,
    );
    for (const route of Object.values(policy.routes)) {
      const marks = [route.privacy, route.name === policy.defaultRoute ? "default" : undefined].filter(
        Boolean,
      );
      const fallback = route.fallback !== undefined ? `, then route ${route.fallback}` : "";
      const suffix = marks.length > 0 ? ` [${marks.join(", ")}]` : "";
      lines.push(
        `  route ${route.name} (${route.strategy}): ${route.targets.join(" → ")}${fallback}${suffix}`,
      );
    }
  }
  if (report.warnings.length > 0) {
    lines.push(`warnings (${report.warnings.length}):`);
    lines.push(...report.warnings.map(formatPolicyIssue));
  }
  return lines.join("\n");
}
