import { PolicyFileError } from "../core/index.js";
import { isCatchAll } from "./check-route-selection.js";
import { valueAt } from "./format-issues.js";
import { toPolicySource } from "./load-policy.js";
import { placeIssues } from "./place-issues.js";
import type { PolicyCheckReport } from "./policy-check-report.js";
import { factoryOf, secretFieldsOf } from "./policy-registry.js";
import type { PolicyFile } from "./policy-schema.js";
import { type LoadPolicyOptions, type PreparedPolicy, preparePolicy } from "./prepare-policy.js";
import type { RawIssue } from "./raw-issue.js";
import type { TargetCatalog } from "./resolved-policy.js";

/**
 * What `switchyard check` reports: every error that stops the policy from loading or, for a
 * policy that loads, what looks unintended (unused entries, keys written in the file, each
 * provider factory's own warnings such as a missing local model file, an SLO longer than the
 * route's deadline). Never throws for a bad policy; it reports it.
 */
export async function checkPolicy(
  source: string | PolicyFile,
  options: LoadPolicyOptions = {},
): Promise<PolicyCheckReport> {
  const file = typeof source === "string" ? source : undefined;
  const base = file !== undefined ? { file } : {};
  try {
    const prepared = await preparePolicy(await toPolicySource(source), options);
    const warnings = placeIssues(findWarnings(prepared), file, prepared.locate);
    return { ok: true, ...base, errors: [], warnings, policy: prepared.loaded.policy };
  } catch (error) {
    if (!PolicyFileError.isInstance(error)) throw error;
    return { ok: false, ...base, errors: error.issues, warnings: [] };
  }
}

function findWarnings({ parsed, written, loaded, registry, catalog }: PreparedPolicy): RawIssue[] {
  const warnings: RawIssue[] = catalog === undefined ? [] : catalogWarnings(parsed, catalog);
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
      const path = ["providers", id, ...field.split(".")];
      const value = valueAt(written, path);
      if (typeof value === "string" && !value.includes("${")) {
        warnings.push({
          path,
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
  const rules = loaded.policy.select ?? [];
  if (loaded.policy.defaultRoute === undefined && !rules.some((rule) => isCatchAll(rule.when))) {
    warnings.push(
      rules.length === 0
        ? {
            path: ["routes"],
            at: "key",
            message: "no `defaultRoute` and no route named `default`: every call must name its route",
          }
        : {
            path: ["select"],
            at: "key",
            message:
              "no `defaultRoute`, no route named `default` and no rule without conditions: a call that names no route and matches no rule is refused",
          },
    );
  }
  return warnings;
}

/**
 * Models the catalog does not know (a typo, or newer than the catalog: allowed, never guessed)
 * and models it lists as deprecated. Targets of providers the catalog does not cover get neither.
 */
function catalogWarnings(parsed: PreparedPolicy["parsed"], catalog: TargetCatalog): RawIssue[] {
  const warnings: RawIssue[] = [];
  const source = `${catalog.sources.prices}, ${catalog.sources.limits}`;
  for (const [id, entry] of catalog.entries) {
    const model = parsed.targets[id]?.model ?? "";
    if (entry === undefined) {
      warnings.push({
        path: ["targets", id, "model"],
        message: `\`${model}\` is not in the model catalog (${source}): check its spelling; its price, context window and capabilities come only from the policy and the adapter`,
      });
    } else if (entry.deprecated) {
      warnings.push({
        path: ["targets", id, "model"],
        message: `\`${model}\` is deprecated in the model catalog (${source}, as \`${entry.model}\`): the provider is retiring it; move the target to a current model`,
      });
    }
  }
  return warnings;
}

export { formatCheckReport } from "./format-check-report.js";
export type { PolicyCheckReport } from "./policy-check-report.js";
