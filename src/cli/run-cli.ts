import { parseArgs } from "node:util";
import { SwitchyardError } from "../core/index.js";
import type { CliDependencies } from "./cli-dependencies.js";
import type { CliIo } from "./cli-io.js";
import { runChat } from "./run-chat.js";
import { runCheck } from "./run-check.js";
import { runExplain } from "./run-explain.js";

const usage = `Usage:
  switchyard chat [--policy FILE] [--route NAME] [--stream] [--json] [--trace] [--max-tokens N]
                  [--temperature T] [--system TEXT] [--logprobs K] [--privacy local-only|no-training] "prompt"
  switchyard check FILE
  switchyard explain --policy FILE --request REQUEST.json [--stream] [--json]

Without --policy, chat and explain use $SWITCHYARD_POLICY, else ./switchyard.yaml, else the bundled
offline policy (the local engine on the repo's generated tiny model).`;

/** Runs one CLI command and returns its exit code: 0 ok, 1 failed, 2 bad usage. */
export async function runCli(argv: string[], io: CliIo, dependencies: CliDependencies): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case "chat":
        return await runChat(parse(rest), io, dependencies);
      case "check":
        return await runCheck(parse(rest), io, dependencies);
      case "explain":
        return await runExplain(parse(rest), io, dependencies);
      case "help":
      case "--help":
      case "-h":
      case undefined:
        io.stdout(`${usage}\n`);
        return command === undefined ? 2 : 0;
      default:
        io.stderr(`error: unknown command "${command}"\n${usage}\n`);
        return 2;
    }
  } catch (error) {
    io.stderr(`${describeError(error)}\n`);
    return isUsageError(error) ? 2 : 1;
  }
}

export type ParsedArgs = ReturnType<typeof parse>;

function parse(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      policy: { type: "string" },
      route: { type: "string" },
      stream: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      trace: { type: "boolean", default: false },
      "max-tokens": { type: "string" },
      temperature: { type: "string" },
      system: { type: "string" },
      logprobs: { type: "string" },
      privacy: { type: "string" },
      request: { type: "string" },
    },
  });
}

function isUsageError(error: unknown): boolean {
  return error instanceof Error && "code" in error && String(error.code).startsWith("ERR_PARSE_ARGS");
}

/** One line: the error's type, its kind when it has one, and its (already redacted) message. */
export function describeError(error: unknown): string {
  if (SwitchyardError.isInstance(error)) {
    const kind = "kind" in error && typeof error.kind === "string" ? `[${error.kind}]` : "";
    const message = error.name === "PolicyFileError" ? error.message : error.message.replaceAll("\n", " ");
    return `error: ${error.name}${kind}: ${message}`;
  }
  if (error instanceof Error) return `error: ${error.message}`;
  return `error: ${String(error)}`;
}
