import { formatPolicyIssue, InvalidRequestError } from "../core/index.js";
import type { CliDependencies } from "./cli-dependencies.js";
import type { CliIo } from "./cli-io.js";
import type { ParsedArgs } from "./run-cli.js";

/** `switchyard check FILE`: 0 when valid; 1 with every issue listed. */
export async function runCheck(args: ParsedArgs, io: CliIo, dependencies: CliDependencies): Promise<number> {
  const file = args.positionals[0];
  if (!file) throw new InvalidRequestError("FILE", "name the policy file: switchyard check routing.yaml");
  const { issues, summary } = await dependencies.checkPolicy(file);
  if (issues.length === 0) {
    io.stdout(`ok ${file}: ${summary}\n`);
    return 0;
  }
  io.stderr(
    `${file}: ${issues.length} problem${issues.length === 1 ? "" : "s"}\n${issues.map(formatPolicyIssue).join("\n")}\n`,
  );
  return 1;
}
