import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { engineTools } from "../../../bin/engine-tools.js";
import * as switchyard from "../../../index.js";
import type { CliDependencies } from "../../../src/cli/cli-dependencies.js";
import type { CliIo } from "../../../src/cli/cli-io.js";
import { defaultCliDependencies } from "../../../src/cli/default-cli-dependencies.js";
import { runCli } from "../../../src/cli/run-cli.js";

/** What a user would see: the exit code and everything written to stdout and stderr. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** The CLI's whole environment: nothing is read from process.env. @default {} */
  env?: Record<string, string>;
  /** @default process.cwd() */
  cwd?: string;
  /** stderr is a terminal. @default false */
  interactive?: boolean;
  signal?: AbortSignal;
  /** Called with each piece of stdout as it is written (e.g. to interrupt after the first token). */
  onStdout?: (text: string) => void;
  /** @default the bin's own dependencies */
  dependencies?: CliDependencies;
}

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));

/** The dependencies bin/switchyard.ts runs with: the real package entry, nothing mocked. */
export function realDependencies(): CliDependencies {
  return defaultCliDependencies(switchyard, repoRoot, engineTools);
}

/** Runs `switchyard <argv>` in-process, as bin/switchyard.ts does, and collects its output. */
export async function runSwitchyard(argv: string[], options: RunOptions = {}): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const io: CliIo = {
    stdout: (text) => {
      stdout += text;
      options.onStdout?.(text);
    },
    stderr: (text) => {
      stderr += text;
    },
    interactive: options.interactive ?? false,
    readFile: (path) => readFile(path, "utf8"),
    env: { ...options.env },
    cwd: options.cwd ?? process.cwd(),
    ...(options.signal ? { signal: options.signal } : {}),
  };
  const code = await runCli(argv, io, options.dependencies ?? realDependencies());
  return { code, stdout, stderr };
}

/** The lines of a text, without the empty one after its final newline. */
export function linesOf(text: string): string[] {
  return text.split("\n").filter((line, index, all) => line !== "" || index < all.length - 1);
}
