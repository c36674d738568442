import { z } from "zod";
import { InvalidRequestError } from "../../src/core/index.js";

const display = z.enum(["summarized", "omitted"]).optional();

/** `providerOptions.anthropic`: Messages API settings with no normalized counterpart. */
export const anthropicProviderOptionsSchema = z.strictObject({
  /**
   * Sample from the top K options only. Anthropic API version 2026-10-21 (what @anthropic-ai/sdk
   * 1.x sends) rejects it: it needs the provider's `headers` to pin `anthropic-version: 2023-06-01`.
   */
  top_k: z.int().min(1).optional(),
  metadata: z.strictObject({ user_id: z.string().min(1).max(256).optional() }).optional(),
  thinking: z
    .discriminatedUnion("type", [
      z.strictObject({ type: z.literal("enabled"), budget_tokens: z.int().min(1024), display }),
      z.strictObject({ type: z.literal("adaptive"), display }),
      z.strictObject({ type: z.literal("disabled") }),
    ])
    .optional(),
  /** `output_config.effort` on models that support it. */
  effort: z.enum(["low", "medium", "high", "xhigh", "max"]).optional(),
  service_tier: z.enum(["auto", "standard_only"]).optional(),
});

export type AnthropicProviderOptions = z.infer<typeof anthropicProviderOptionsSchema>;

/** Validates the caller's `providerOptions.anthropic`; the error names the offending field. */
export function parseAnthropicProviderOptions(input: unknown): AnthropicProviderOptions {
  const parsed = anthropicProviderOptionsSchema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const [issue] = parsed.error.issues;
  const keys = issue?.code === "unrecognized_keys" ? issue.keys : [];
  const path = [...(issue?.path ?? []), ...keys.slice(0, 1)].map(String);
  const field = ["providerOptions", "anthropic", ...path].join(".");
  throw new InvalidRequestError(field, issue?.message ?? "invalid value");
}
