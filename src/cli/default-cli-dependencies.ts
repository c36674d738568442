import { existsSync, readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { LoadPolicyOptions, PolicyCheckReport } from "../config/index.js";
import type { Gateway, GatewayOptions } from "../gateway/gateway-options.js";
import type { Router } from "../router/router.js";
import type { CreateRouterOptions } from "../router/router-options.js";
import type { CliDependencies, EngineTools } from "./cli-dependencies.js";

/**
 * The package entry the CLI runs on. Passed in rather than imported: src/ never imports the
 * providers and policies that the root index.ts wires into `createRouter`.
 */
export interface SwitchyardEntry {
  createRouter(options: CreateRouterOptions): Promise<Router>;
  checkPolicy(file: string, options: LoadPolicyOptions): Promise<PolicyCheckReport>;
  formatCheckReport(report: PolicyCheckReport): string;
  createGateway?(options: GatewayOptions): Promise<Gateway>;
}

/**
 * The dependencies the `switchyard` bin runs with; tests build the same ones to run the CLI
 * in-process. `from` is a file or folder inside the package (the bin's own path): the bundled
 * default policy is found in the nearest folder above it that holds `examples/default.yaml`, the
 * version in the nearest package.json. `engine` is the local engine's tooling (bin/engine-tools.ts).
 */
export function defaultCliDependencies(
  entry: SwitchyardEntry,
  from: string,
  engine?: EngineTools,
): CliDependencies {
  const defaultPolicy = findDefaultPolicy(from);
  return {
    createRouter: (options) => entry.createRouter(options),
    checkPolicy: async (file, options) => {
      const report = await entry.checkPolicy(file, options);
      return { ok: report.ok, report: entry.formatCheckReport(report) };
    },
    ...(entry.createGateway ? { startGateway: entry.createGateway } : {}),
    defaultPolicy,
    // examples/default.yaml says `model: ../models/tiny-llama.gguf`.
    defaultPolicyModel: join(dirname(defaultPolicy), "..", "models", "tiny-llama.gguf"),
    version: findVersion(from),
    ...(engine ? { engine } : {}),
    fileExists: existsSync,
    writeFile: (path, text, options) => writeFile(path, text, { flag: options.exclusive ? "wx" : "w" }),
  };
}

const defaultPolicyPath = join("examples", "default.yaml");

/** Works from the sources (bin/) and from the build (dist/bin/) alike. */
function findDefaultPolicy(from: string): string {
  let folder = from;
  for (;;) {
    const candidate = join(folder, defaultPolicyPath);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(folder);
    if (parent === folder) return join(from, defaultPolicyPath);
    folder = parent;
  }
}

/** The version in the nearest package.json above `from` that has one. */
function findVersion(from: string): string {
  for (let folder = from; ; folder = dirname(folder)) {
    const manifest = join(folder, "package.json");
    if (existsSync(manifest)) {
      const { version } = JSON.parse(readFileSync(manifest, "utf8")) as { version?: unknown };
      if (typeof version === "string") return version;
    }
    if (dirname(folder) === folder) return "unknown";
  }
}
