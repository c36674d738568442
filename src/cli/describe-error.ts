import {
  AllTargetsFailedError,
  type AttemptRecord,
  formatPolicyIssue,
  PolicyFileError,
  type PolicyIssue,
  SwitchyardError,
} from "../core/index.js";

/**
 * What the CLI prints for a failure: `error: <type>[<kind>]: <message>` on one line (messages
 * are already redacted by the router). When every target failed, the line leads with the last
 * provider error, the one that says what to fix, and ends with the attempts. An invalid policy
 * with several issues prints one line per issue, each with file:line:col.
 */
export function describeError(error: unknown): string {
  if (AllTargetsFailedError.isInstance(error)) {
    const last = error.errors.at(-1);
    const attempts = summarizeAttempts(error.trace.attempts);
    const summary = `all targets of route "${error.trace.route}" failed: ${attempts}`;
    return last ? `${describeError(last)} (${summary})` : `error: ${error.name}: ${summary}`;
  }
  if (PolicyFileError.isInstance(error)) {
    const [only, ...more] = error.issues;
    if (only && more.length === 0) return `error: ${error.name}: ${formatOneIssue(only)}`;
    const count = error.issues.length;
    return [
      `error: ${error.name}: invalid policy (${count} issue${count === 1 ? "" : "s"})`,
      ...error.issues.map(formatPolicyIssue),
    ].join("\n");
  }
  if (SwitchyardError.isInstance(error)) {
    const kind = "kind" in error && typeof error.kind === "string" ? `[${error.kind}]` : "";
    return `error: ${error.name}${kind}: ${oneLine(error.message)}`;
  }
  if (error instanceof Error) {
    const type = error.name === "Error" ? "" : `${error.name}: `;
    return `error: ${type}${oneLine(error.message)}`;
  }
  return `error: ${oneLine(String(error))}`;
}

/** "file:line:col: path: message", the colon after the place kept even when there is no path. */
function formatOneIssue(issue: PolicyIssue): string {
  const where = [issue.file ?? "<policy>", issue.line, issue.column].filter((part) => part !== undefined);
  return `${where.join(":")}: ${issue.path ? `${issue.path}: ` : ""}${oneLine(issue.message)}`;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, " ").trim();
}

/** "a rate_limit ×3, b auth": consecutive attempts with the same outcome are counted, not repeated. */
function summarizeAttempts(attempts: readonly AttemptRecord[]): string {
  const runs: { label: string; count: number }[] = [];
  for (const attempt of attempts) {
    const label = `${attempt.target} ${attempt.errorKind ?? attempt.outcome}`;
    const previous = runs.at(-1);
    if (previous?.label === label) previous.count++;
    else runs.push({ label, count: 1 });
  }
  return runs.map((run) => (run.count > 1 ? `${run.label} ×${run.count}` : run.label)).join(", ");
}
