import type { Router } from "../router/router.js";

/** What the CLI needs from the package; `defaultCliDependencies` wires the real ones, tests may wire others. */
export interface CliDependencies {
  createRouter(options: {
    policy: string;
    /** Where the policy's `${ENV_NAME}` secrets come from. */
    env: Record<string, string | undefined>;
    onProgress?: (event: { provider: string; fraction: number }) => void;
  }): Promise<Router>;
  /** Checks a policy file: `ok` false with every error listed in `report`, plus warnings either way. */
  checkPolicy(
    file: string,
    options: { env: Record<string, string | undefined> },
  ): Promise<{ ok: boolean; report: string }>;
  /** The policy used when none is named. */
  defaultPolicy: string;
  fileExists(path: string): boolean;
}
