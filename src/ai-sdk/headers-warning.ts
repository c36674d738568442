import type { Warning } from "./ai-sdk-spec.js";

/**
 * The `unsupported` warning for headers a caller set on an AI SDK call: the router sends each
 * provider the headers of its policy entry. `ai` adds its own `user-agent` to every call, which
 * is no setting of the caller's and warns of nothing.
 */
export function headersWarning(headers: Record<string, string | undefined> | undefined): Warning | undefined {
  const set = Object.keys(headers ?? {}).filter((name) => name.toLowerCase() !== "user-agent");
  if (set.length === 0) return undefined;
  return {
    type: "unsupported",
    feature: "headers",
    details: "set provider headers in the policy's providers.<id>.headers",
  };
}
