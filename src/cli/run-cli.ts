import { AbortedError } from "../core/index.js";
import type { CliDependencies } from "./cli-dependencies.js";
import type { CliIo } from "./cli-io.js";
import { describeError } from "./describe-error.js";
import { runChat } from "./run-chat.js";
import { runCheck } from "./run-check.js";
import { runEngine } from "./run-engine.js";
import { runExplain } from "./run-explain.js";
import { runInit } from "./run-init.js";
import { runKeys } from "./run-keys.js";
import { runServe } from "./run-serve.js";
import { usage } from "./usage.js";
import { UsageError } from "./usage-error.js";

const commands = {
  chat: runChat,
  check: runCheck,
  explain: runExplain,
  init: runInit,
  engine: runEngine,
  serve: runServe,
  keys: runKeys,
} as const;
const commandList = Object.keys(commands).join(", ");

/**
 * Runs one CLI command and returns its exit code: 0 ok, 1 failed, 2 bad usage, 130 interrupted.
 * Nothing is thrown: every failure is printed on stderr.
 */
export async function runCli(argv: string[], io: CliIo, dependencies: CliDependencies): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined) throw new UsageError(`name a command: ${commandList}`);
    if (command === "help" || command === "--help" || command === "-h") {
      io.stdout(`${usage}\n`);
      return 0;
    }
    if (command === "--version" || command === "-v" || command === "version") {
      io.stdout(`${dependencies.version}\n`);
      return 0;
    }
    if (!Object.hasOwn(commands, command)) {
      throw new UsageError(`unknown command "${command}" (commands: ${commandList})`);
    }
    return await commands[command as keyof typeof commands](rest, io, dependencies);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`error: ${error.message}\n\n${usage}\n`);
      return 2;
    }
    io.stderr(`${describeError(error)}\n`);
    return AbortedError.isInstance(error) && io.signal?.aborted ? 130 : 1;
  }
}
