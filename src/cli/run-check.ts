import { resolve } from "node:path";
import type { CliDependencies } from "./cli-dependencies.js";
import type { CliIo } from "./cli-io.js";
import { helpOption, parseCommandLine } from "./parse-command-line.js";
import { usage } from "./usage.js";
import { UsageError } from "./usage-error.js";

/** `switchyard check FILE`: 0 when valid (the summary and warnings on stdout); 1 with every error listed on stderr. */
export async function runCheck(argv: string[], io: CliIo, dependencies: CliDependencies): Promise<number> {
  const { values, positionals } = parseCommandLine("check", argv, helpOption);
  if (values.help) {
    io.stdout(`${usage}\n`);
    return 0;
  }
  const [file, ...extra] = positionals;
  if (!file) throw new UsageError("name the policy file: switchyard check routing.yaml");
  if (extra.length > 0) throw new UsageError(`check takes one FILE (got also ${extra.join(", ")})`);
  const { ok, report } = await dependencies.checkPolicy(resolve(io.cwd, file), { env: io.env });
  if (ok) {
    io.stdout(`${report}\n`);
    return 0;
  }
  io.stderr(`${report}\n`);
  return 1;
}
