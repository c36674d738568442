import { relative, resolve } from "node:path";
import { ensureTinyModel } from "./bundled-model.js";
import type { CliDependencies } from "./cli-dependencies.js";
import type { CliIo } from "./cli-io.js";
import { helpOption, parseCommandLine } from "./parse-command-line.js";
import { starterPolicy } from "./starter-policy.js";
import { commandUsage } from "./usage.js";
import { UsageError } from "./usage-error.js";

const initOptions = { ...helpOption, force: { type: "boolean", default: false } } as const;

/** `switchyard init [--force] [FILE]`: a starter policy from the keys set and the local engine when built. */
export async function runInit(argv: string[], io: CliIo, dependencies: CliDependencies): Promise<number> {
  const { values, positionals } = parseCommandLine("init", argv, initOptions);
  if (values.help) {
    io.stdout(`${commandUsage.init}\n`);
    return 0;
  }
  const [name = "switchyard.yaml", ...extra] = positionals;
  if (extra.length > 0) throw new UsageError(`init takes one FILE (got also ${extra.join(", ")})`);
  const file = resolve(io.cwd, name);
  const shown = relative(io.cwd, file) || file;
  if (!values.force && dependencies.fileExists(file)) {
    io.stderr(`error: ${shown} exists; keeping it (switchyard init --force overwrites it)\n`);
    return 1;
  }
  const local = dependencies.engine?.isBuilt() ? dependencies.defaultPolicyModel : undefined;
  const policy = starterPolicy(io.env, local);
  if (!policy) {
    io.stderr(
      "error: nothing to route to: set OPENAI_API_KEY, ANTHROPIC_API_KEY, GROQ_API_KEY, TOGETHER_API_KEY or " +
        "REPLICATE_API_TOKEN, or build the local engine (npx switchyard engine build), then run init again\n",
    );
    return 1;
  }
  try {
    await dependencies.writeFile(file, policy.yaml, { exclusive: !values.force });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    io.stderr(`error: ${shown} exists; keeping it (switchyard init --force overwrites it)\n`);
    return 1;
  }
  if (local !== undefined) await ensureTinyModel("the local target's model", io, dependencies);
  io.stdout(`wrote ${shown} with ${policy.providers.join(", ")}\n`);
  return 0;
}
