import { InvalidRequestError } from "../core/index.js";
import type { CliDependencies } from "./cli-dependencies.js";
import type { CliIo } from "./cli-io.js";
import type { ParsedArgs } from "./run-cli.js";

/** `switchyard check FILE`: 0 when valid (warnings shown); 1 with every error listed. */
export async function runCheck(args: ParsedArgs, io: CliIo, dependencies: CliDependencies): Promise<number> {
  const file = args.positionals[0];
  if (!file) throw new InvalidRequestError("FILE", "name the policy file: switchyard check routing.yaml");
  const { ok, report } = await dependencies.checkPolicy(file);
  if (ok) {
    io.stdout(`${report}\n`);
    return 0;
  }
  io.stderr(`${report}\n`);
  return 1;
}
