import { z } from "zod";
import { targetHealthSchema } from "./health-schema.js";
import { millisecondsSchema, nameSchema, tokenCountSchema } from "./schema-primitives.js";

/** $/1M tokens; the most expensive models cost well under $1,000, so 10,000 catches unit mix-ups. */
const pricePerMillion = z.number().min(0).lt(10_000);

export const priceSchema = z
  .object({
    input: pricePerMillion.describe("US dollars per million prompt tokens."),
    output: pricePerMillion.describe("US dollars per million generated tokens."),
    cachedInput: pricePerMillion.optional().describe("US dollars per million cached prompt tokens."),
  })
  .strict()
  .describe(
    "Prices in US dollars per million tokens. Default: the model catalog's price; required for a remote target whose model the catalog does not price (write 0 for free hosts).",
  );

export const rateLimitsSchema = z
  .object({
    rpm: z.int().min(1).max(10_000_000).optional().describe("Requests per minute."),
    tpm: z.int().min(1).max(10_000_000_000).optional().describe("Tokens (prompt + max output) per minute."),
    maxConcurrent: z.int().min(1).max(100_000).optional().describe("Calls in flight at once."),
    maxQueue: z
      .int()
      .min(0)
      .max(1_000_000)
      .optional()
      .describe("Calls allowed to wait in the limiter's queue. Default 100."),
  })
  .strict()
  .describe("Client-side rate limits, applied before a call is sent.");

export const targetSchema = z
  .object({
    provider: nameSchema.describe("A key of `providers`."),
    model: z.string().min(1).describe("The provider's model name (for `local`, informational)."),
    price: priceSchema.optional(),
    contextWindow: tokenCountSchema.optional().describe("Prompt plus output tokens the model accepts."),
    maxOutputTokens: tokenCountSchema.optional().describe("Most tokens the model generates in one call."),
    logprobs: z
      .int()
      .min(0)
      .max(20)
      .optional()
      .describe("Largest top-k of log-probs it returns; 0 for none."),
    tools: z.boolean().optional().describe("It supports tool calls."),
    jsonSchema: z
      .boolean()
      .optional()
      .describe("It supports structured output constrained by a JSON schema."),
    streaming: z.boolean().optional().describe("It streams tokens."),
    vision: z
      .boolean()
      .optional()
      .describe(
        "It takes images in user messages. Default: the adapter's table (OpenAI GPT-4o/4.1/5 and o-series, Claude 3 and later); OpenAI-compatible hosts, Replicate and the local engine claim none.",
      ),
    limits: rateLimitsSchema.optional(),
    weight: z
      .number()
      .gt(0)
      .max(1_000_000)
      .default(1)
      .describe("Share of traffic under the `weighted` strategy."),
    tier: z.enum(["strong", "weak"]).optional().describe("Tier under the `quality-threshold` strategy."),
    noTraining: z
      .boolean()
      .optional()
      .describe("This model's data policy says it does not train on requests."),
    maxAttempts: z
      .int()
      .min(1)
      .max(10)
      .default(3)
      .describe("Attempts on this target per call (first + retries)."),
    firstTokenTimeoutMs: millisecondsSchema
      .optional()
      .describe(
        "Per-try limit until the first token on this target; overrides the route's. The call's deadline still applies. Default: the route's.",
      ),
    idleTimeoutMs: millisecondsSchema
      .optional()
      .describe(
        "Longest gap between tokens on this target; overrides the route's. The call's deadline still applies. Default: the route's.",
      ),
    health: targetHealthSchema.optional(),
  })
  .strict()
  .describe(
    "A provider + model: what it costs and what it can do. Capabilities left out come from the adapter.",
  );
