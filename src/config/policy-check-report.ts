import type { PolicyIssue } from "../core/index.js";
import type { ResolvedPolicy } from "./resolved-policy.js";

/** What `checkPolicy` (and `switchyard check`) reports about a policy. */
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
