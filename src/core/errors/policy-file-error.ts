import { errorMarker, SwitchyardError } from "./switchyard-error.js";

const marker = errorMarker("PolicyFileError");

export interface PolicyIssue {
  /** e.g. "routes.default.targets[2]" */
  path: string;
  message: string;
  file?: string;
  line?: number;
  column?: number;
}

/** A policy file or object is invalid. Lists every issue with file:line:col and path. */
export class PolicyFileError extends SwitchyardError {
  readonly [marker] = true;
  readonly issues: PolicyIssue[];

  constructor(issues: PolicyIssue[]) {
    super(`Invalid policy:\n${issues.map(formatPolicyIssue).join("\n")}`);
    this.name = "PolicyFileError";
    this.issues = issues;
  }

  static override isInstance(error: unknown): error is PolicyFileError {
    return typeof error === "object" && error !== null && marker in error;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), issues: this.issues };
  }
}

export function formatPolicyIssue(issue: PolicyIssue): string {
  const where = [issue.file ?? "<policy>", issue.line, issue.column]
    .filter((part) => part !== undefined)
    .join(":");
  return `  ${where}${issue.path ? ` ${issue.path}: ` : ": "}${issue.message}`;
}
