import { type ParseArgsConfig, parseArgs } from "node:util";
import { UsageError } from "./usage-error.js";

type OptionsConfig = NonNullable<ParseArgsConfig["options"]>;

/** The flags and positionals of one command, typed from its options table. */
export type CommandLine<Options extends OptionsConfig> = ReturnType<
  typeof parseArgs<{ args: string[]; options: Options; allowPositionals: true; strict: true }>
>;

/** Every command takes --help / -h. */
export const helpOption = { help: { type: "boolean", short: "h", default: false } } as const;

/** Strict parsing of one command's flags; what parseArgs rejects becomes a UsageError. */
export function parseCommandLine<const Options extends OptionsConfig>(
  command: string,
  args: string[],
  options: Options,
): CommandLine<Options> {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    const code = error instanceof Error && "code" in error ? String(error.code) : "";
    if (!code.startsWith("ERR_PARSE_ARGS")) throw error;
    const message = (error as Error).message;
    const unknown = /^Unknown option '([^']+)'/.exec(message)?.[1];
    throw new UsageError(
      code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" && unknown
        ? `${command} has no flag ${unknown} (a prompt that starts with "-" goes after "--")`
        : message,
    );
  }
}
