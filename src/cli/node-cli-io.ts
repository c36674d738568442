import { readFile } from "node:fs/promises";
import type { CliIo } from "./cli-io.js";

/**
 * The process's own streams, environment and working folder. Ctrl-C aborts the call in flight
 * (upstream requests are cancelled, not left running); a second Ctrl-C kills the process.
 */
export function nodeCliIo(): CliIo {
  const interrupt = new AbortController();
  process.once("SIGINT", () => interrupt.abort(new Error("interrupted (Ctrl-C)")));
  // `switchyard chat … | head -1` closes stdout early: stop writing instead of crashing on EPIPE.
  let stdoutOpen = true;
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") throw error;
    stdoutOpen = false;
  });
  return {
    stdout: (text) => {
      if (stdoutOpen) process.stdout.write(text);
    },
    stderr: (text) => process.stderr.write(text),
    interactive: process.stderr.isTTY === true,
    readFile: (path) => readFile(path, "utf8"),
    env: process.env,
    cwd: process.cwd(),
    signal: interrupt.signal,
    onSignal: (signal, handler) => {
      process.on(signal, handler);
      return () => process.off(signal, handler);
    },
  };
}
