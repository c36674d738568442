import type { Gateway, GatewayOptions } from "../gateway/gateway-options.js";
import type { Router } from "../router/router.js";

/** What `switchyard engine build` reports. */
export type EngineBuildResult =
  | { status: "built"; addon: string; buildType: string; seconds: number }
  /** node-llama-cpp, the optional peer dependency that ships llama.cpp, is not installed. */
  | { status: "no-node-llama-cpp" };

/**
 * The local engine's setup steps. Wired by the bin (src/ never imports local-engine/), loaded
 * only when a command needs them.
 */
export interface EngineTools {
  /** Compiles the addon; cmake's and the compiler's output goes to the process's stderr. */
  build(options: { debug: boolean; jobs?: number; log: (line: string) => void }): Promise<EngineBuildResult>;
  /** Whether the addon is built and node-llama-cpp installed: `init` then offers the local engine. */
  isBuilt(): boolean;
  /** Writes the tiny random-weight test model (the bundled offline policy's) to `path`. */
  makeTinyModel(path: string): Promise<{ fileSize: number; seconds: number }>;
}

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
  /** Starts the HTTP gateway (`serve`); absent where the entry wires none. */
  startGateway?(options: GatewayOptions): Promise<Gateway>;
  /** The policy used when none is named. */
  defaultPolicy: string;
  /** The model file the bundled policy points at, generated on first use when missing. */
  defaultPolicyModel: string;
  /** The package's version, for `--version`. */
  version: string;
  /** Absent where the local engine's tooling is not wired (`engine build` then says so). */
  engine?: EngineTools;
  fileExists(path: string): boolean;
  /** Writes a new file; `exclusive` fails with EEXIST when one is there already. */
  writeFile(path: string, text: string, options: { exclusive: boolean }): Promise<void>;
}
