import type { SharedV3ProviderOptions } from "@ai-sdk/provider";
import { z } from "zod";
import { InvalidRequestError } from "../../src/core/index.js";

/**
 * This provider's entry of a request's `providerOptions`: the AI SDK's own `providerOptions`,
 * keyed by the package's provider name (`{ mistral: { safePrompt: true } }`), each validated by that
 * package when it reads it.
 */
const schema = z.record(z.string(), z.record(z.string(), z.json()));

/**
 * Validates the entry's shape; nothing was sent yet, so a bad one is an InvalidRequestError naming
 * `providerOptions.<provider id>.<key>`.
 */
export function parseAiSdkProviderOptions(
  value: Record<string, unknown> | undefined,
  providerId: string,
): SharedV3ProviderOptions | undefined {
  if (value === undefined) return undefined;
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data as SharedV3ProviderOptions;
  const issue = parsed.error.issues[0];
  const path = issue?.path.map(String).join(".") ?? "";
  throw new InvalidRequestError(
    `providerOptions.${providerId}${path ? `.${path}` : ""}`,
    `${issue?.message ?? "invalid value"} (expected { <AI SDK provider name>: { <option>: <JSON value> } })`,
  );
}
