import type { Logger } from "../../src/core/index.js";

/** The logger the openai and @anthropic-ai/sdk clients take (`logger` option): message first. */
export interface SdkLogger {
  error(message: string, ...details: unknown[]): void;
  warn(message: string, ...details: unknown[]): void;
  info(message: string, ...details: unknown[]): void;
  debug(message: string, ...details: unknown[]): void;
}

/**
 * A provider SDK's logger that writes to the router's (already bound to the provider, and
 * redacting): `{ sdk }` and the SDK's message. The SDKs' extra arguments are dropped: they carry
 * raw request and stream data (prompt and answer text), which logs must not receive. Pass it with
 * `logLevel: "warn"`: the SDKs' debug and info lines are per-request details.
 */
export function sdkLogger(logger: Logger | undefined, sdk: string): SdkLogger {
  const at =
    (level: keyof Logger) =>
    (message: string): void => {
      logger?.[level]({ sdk }, String(message));
    };
  return { error: at("error"), warn: at("warn"), info: at("info"), debug: at("debug") };
}

/**
 * Runs `work` (synchronous) with `console.warn` diverted to `onWarning`, then puts it back.
 * @anthropic-ai/sdk prints a model's deprecation (and a deprecated `thinking` setting) with
 * `console.warn` on every `messages.create`, bypassing its own `logger` option; that happens
 * synchronously inside `create`, before any await, so no other code can run while the console is
 * diverted and nothing but the SDK's own warnings is caught. The warnings are handed on after
 * `console.warn` is restored, so a logger that is `console` itself prints them.
 */
export function divertConsoleWarnings<T>(work: () => T, onWarning: (message: string) => void): T {
  const original = console.warn;
  const caught: string[] = [];
  console.warn = (...parts: unknown[]) => {
    caught.push(parts.map(String).join(" "));
  };
  try {
    return work();
  } finally {
    console.warn = original;
    for (const message of caught) onWarning(message);
  }
}
