import type { HeaderReader } from "./header-reader.js";

/**
 * The `x-should-retry` header OpenAI and Anthropic send to override status-based retry
 * decisions: true or false when present, undefined otherwise (any other value is ignored, as the
 * official SDKs do).
 */
export function readShouldRetry(headers: HeaderReader | undefined): boolean | undefined {
  const value = headers?.get("x-should-retry")?.trim().toLowerCase();
  if (value === "true") return true;
  if (value === "false") return false;
  return undefined;
}
