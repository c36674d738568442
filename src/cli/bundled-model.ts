import { relative } from "node:path";
import type { CliDependencies } from "./cli-dependencies.js";
import type { CliIo } from "./cli-io.js";

/**
 * The bundled offline policy points at a tiny random-weight model that the package does not ship
 * (npm ci writes it in the repository): when the policy in use is that one and the file is
 * missing, it is generated here, once, saying so on stderr.
 */
export async function ensureBundledModel(policy: string, io: CliIo, dependencies: CliDependencies) {
  if (policy !== dependencies.defaultPolicy) return;
  await ensureTinyModel("the bundled offline policy's model", io, dependencies);
}

/** Writes the tiny model at `defaultPolicyModel` when it is missing (also for `init`'s local target). */
export async function ensureTinyModel(what: string, io: CliIo, dependencies: CliDependencies) {
  const model = dependencies.defaultPolicyModel;
  if (dependencies.fileExists(model) || !dependencies.engine) return;
  const shown = relative(io.cwd, model) || model;
  io.stderr(
    `switchyard: ${what} ${shown} is missing; generating it once ` +
      "(a tiny llama with random weights: its answers are noise)\n",
  );
  const made = await dependencies.engine.makeTinyModel(model);
  io.stderr(
    `switchyard: wrote ${shown} (${(made.fileSize / 1e6).toFixed(1)} MB in ${made.seconds.toFixed(1)} s)\n`,
  );
}
