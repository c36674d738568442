import { z } from "zod";
import { InvalidRequestError } from "../../src/core/index.js";

const tokenBias = z.record(z.string().regex(/^\d+$/, "keys are token ids"), z.number().min(-100).max(100));
const penalty = z.number().min(-2).max(2);

/** Settings every OpenAI-style chat endpoint understands. */
const commonOptionShape = {
  /** End-user id for the provider's abuse monitoring. */
  user: z.string().min(1).max(256),
  parallel_tool_calls: z.boolean(),
  reasoning_effort: z.enum(["none", "minimal", "low", "medium", "high", "xhigh"]),
  logit_bias: tokenBias,
  frequency_penalty: penalty,
  presence_penalty: penalty,
};

/** `providerOptions.openai`: OpenAI chat-completions settings beyond the normalized call options. */
export const openaiProviderOptionsSchema = z
  .object({
    ...commonOptionShape,
    service_tier: z.enum(["auto", "default", "flex", "scale", "priority"]),
    store: z.boolean(),
    metadata: z.record(z.string().max(64), z.string().max(512)),
    prompt_cache_key: z.string().min(1),
    safety_identifier: z.string().min(1).max(64),
    verbosity: z.enum(["low", "medium", "high"]),
  })
  .partial()
  .strict();

/** `providerOptions.<id>` of an OpenAI-compatible host: the common settings plus open-model samplers. */
export const openaiCompatibleProviderOptionsSchema = z
  .object({
    ...commonOptionShape,
    top_k: z.number().int().min(0),
    min_p: z.number().min(0).max(1),
    repetition_penalty: z.number().positive(),
  })
  .partial()
  .strict();

export type ChatProviderOptions = z.infer<typeof openaiProviderOptionsSchema> &
  z.infer<typeof openaiCompatibleProviderOptionsSchema>;

export type ChatProviderOptionsSchema =
  | typeof openaiProviderOptionsSchema
  | typeof openaiCompatibleProviderOptionsSchema;

/**
 * Validates this adapter's `providerOptions` entry. Nothing has been sent yet, so a bad value is
 * an InvalidRequestError naming `providerOptions.<provider id>.<key>`, not a provider error.
 */
export function parseProviderOptions(
  schema: ChatProviderOptionsSchema,
  value: Record<string, unknown> | undefined,
  providerId: string,
): ChatProviderOptions {
  if (value === undefined) return {};
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const base = `providerOptions.${providerId}`;
  if (issue?.code === "unrecognized_keys") {
    const known = Object.keys(schema.shape).join(", ");
    throw new InvalidRequestError(
      `${base}.${issue.keys.join(", ")}`,
      `unknown option; known options: ${known}`,
    );
  }
  const path = issue?.path.map(String).join(".") ?? "";
  throw new InvalidRequestError(path ? `${base}.${path}` : base, issue?.message ?? "invalid value");
}
