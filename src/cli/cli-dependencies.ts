import type { ChatRequest } from "../core/index.js";
import type { Router } from "../router/router.js";

/** What the CLI needs from the package; the bin wires the real ones, tests may wire others. */
export interface CliDependencies {
  createRouter(options: {
    policy: string;
    onProgress?: (event: { provider: string; fraction: number }) => void;
  }): Promise<Router>;
  /** Checks a policy file: `ok` false with every error listed in `report`, plus warnings either way. */
  checkPolicy(file: string): Promise<{ ok: boolean; report: string }>;
  /** The policy used when none is named. */
  defaultPolicy: string;
  fileExists(path: string): boolean;
}

export type { ChatRequest };
