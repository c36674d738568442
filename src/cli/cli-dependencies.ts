import type { ChatRequest, PolicyIssue } from "../core/index.js";
import type { Router } from "../router/router.js";

/** What the CLI needs from the package; the bin wires the real ones, tests may wire others. */
export interface CliDependencies {
  createRouter(options: {
    policy: string;
    onProgress?: (event: { provider: string; fraction: number }) => void;
  }): Promise<Router>;
  /** Every issue of a policy file; empty when it is valid. */
  checkPolicy(file: string): Promise<{ issues: PolicyIssue[]; summary: string }>;
  /** The policy used when none is named. */
  defaultPolicy: string;
  fileExists(path: string): boolean;
}

export type { ChatRequest };
