import { PolicyFileError, type PolicyIssue } from "../core/index.js";
import { formatPath, type Locate, type RawIssue } from "./raw-issue.js";

/** Gives each issue its file, line and column, in file order; issues without a place go last. */
export function placeIssues(
  issues: readonly RawIssue[],
  file: string | undefined,
  locate: Locate,
): PolicyIssue[] {
  const placed = issues.map((issue): PolicyIssue => {
    const position = issue.position ?? locate(issue.path, issue.at);
    return {
      path: formatPath(issue.path),
      message: issue.message,
      ...(file !== undefined && { file }),
      ...(position !== undefined && { line: position.line, column: position.column }),
    };
  });
  const rank = (issue: PolicyIssue) => (issue.line ?? Number.POSITIVE_INFINITY) * 1e6 + (issue.column ?? 0);
  return placed.sort((a, b) => rank(a) - rank(b));
}

export function policyError(
  issues: readonly RawIssue[],
  file: string | undefined,
  locate: Locate,
): PolicyFileError {
  return new PolicyFileError(placeIssues(issues, file, locate));
}
