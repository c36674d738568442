import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import type { LoadPolicyOptions, PolicyCheckReport } from "../config/index.js";
import type { Router } from "../router/router.js";
import type { CreateRouterOptions } from "../router/router-options.js";
import type { CliDependencies } from "./cli-dependencies.js";

/**
 * The package entry the CLI runs on. Passed in rather than imported: src/ never imports the
 * providers and policies that the root index.ts wires into `createRouter`.
 */
export interface SwitchyardEntry {
  createRouter(options: CreateRouterOptions): Promise<Router>;
  checkPolicy(file: string, options: LoadPolicyOptions): Promise<PolicyCheckReport>;
  formatCheckReport(report: PolicyCheckReport): string;
}

/**
 * The dependencies the `switchyard` bin runs with; tests build the same ones to run the CLI
 * in-process. `from` is a file or folder inside the package (the bin's own path): the bundled
 * default policy is found in the nearest folder above it that holds `examples/default.yaml`.
 */
export function defaultCliDependencies(entry: SwitchyardEntry, from: string): CliDependencies {
  return {
    createRouter: (options) => entry.createRouter(options),
    checkPolicy: async (file, options) => {
      const report = await entry.checkPolicy(file, options);
      return { ok: report.ok, report: entry.formatCheckReport(report) };
    },
    defaultPolicy: findDefaultPolicy(from),
    fileExists: existsSync,
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
