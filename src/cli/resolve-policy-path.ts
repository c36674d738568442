import { resolve } from "node:path";
import type { CliDependencies } from "./cli-dependencies.js";
import type { CliIo } from "./cli-io.js";

/** --policy, else $SWITCHYARD_POLICY, else ./switchyard.yaml, else the bundled offline policy. */
export function resolvePolicyPath(
  flag: string | undefined,
  io: CliIo,
  dependencies: CliDependencies,
): string {
  if (flag) return resolve(io.cwd, flag);
  const fromEnv = io.env.SWITCHYARD_POLICY;
  if (fromEnv) return resolve(io.cwd, fromEnv);
  const local = resolve(io.cwd, "switchyard.yaml");
  if (dependencies.fileExists(local)) return local;
  return dependencies.defaultPolicy;
}
