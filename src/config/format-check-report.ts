import { formatPolicyIssue } from "../core/index.js";
import type { PolicyCheckReport } from "./policy-check-report.js";

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
