import type { CliDependencies } from "./cli-dependencies.js";
import type { CliIo } from "./cli-io.js";
import { integerFlag } from "./flag-values.js";
import { helpOption, parseCommandLine } from "./parse-command-line.js";
import { commandUsage } from "./usage.js";
import { UsageError } from "./usage-error.js";

const engineOptions = {
  ...helpOption,
  debug: { type: "boolean", default: false },
  jobs: { type: "string" },
} as const;

/**
 * `switchyard engine build`: compiles the local engine's addon inside the installed package. A
 * command the user runs, not an install script, so it works the same in npm's default and strict
 * allow-scripts modes, and a cloud-only install never compiles anything.
 */
export async function runEngine(argv: string[], io: CliIo, dependencies: CliDependencies): Promise<number> {
  const { values, positionals } = parseCommandLine("engine", argv, engineOptions);
  if (values.help) {
    io.stdout(`${commandUsage.engine}\n`);
    return 0;
  }
  const [action, ...extra] = positionals;
  if (action !== "build") {
    throw new UsageError(
      action
        ? `unknown engine action "${action}" (actions: build)`
        : "name the action: switchyard engine build",
    );
  }
  if (extra.length > 0) throw new UsageError(`engine build takes no arguments (got ${extra.join(", ")})`);
  const jobs = integerFlag("--jobs", values.jobs);
  if (jobs === 0) throw new UsageError("--jobs expects at least 1");
  if (!dependencies.engine) {
    io.stderr("error: this switchyard has no local engine tooling wired\n");
    return 1;
  }
  const result = await dependencies.engine.build({
    debug: values.debug,
    ...(jobs !== undefined ? { jobs } : {}),
    log: (line) => io.stderr(`${line}\n`),
  });
  if (result.status === "no-node-llama-cpp") {
    io.stderr(
      "error: node-llama-cpp is not installed; the local engine binds to the llama.cpp it ships:\n" +
        "  npm install node-llama-cpp@3.21.1 --save-exact\n" +
        "  npx switchyard engine build\n",
    );
    return 1;
  }
  io.stdout(`built ${result.addon} (${result.buildType}) in ${result.seconds.toFixed(1)} s\n`);
  return 0;
}
