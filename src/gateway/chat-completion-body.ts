import { z } from "zod";

/** A text part of a message's content array; other parts (images, audio) are refused by name. */
const textPartSchema = z.object({ type: z.literal("text"), text: z.string() }).strict();
const textContentSchema = z.union([z.string(), z.array(textPartSchema)]);

const toolCallSchema = z
  .object({
    id: z.string().min(1),
    type: z.literal("function"),
    function: z.object({ name: z.string().min(1), arguments: z.string() }).strict(),
  })
  .strict();

const messageSchema = z.discriminatedUnion("role", [
  z.object({ role: z.literal("system"), content: textContentSchema, name: z.string().optional() }).strict(),
  z
    .object({ role: z.literal("developer"), content: textContentSchema, name: z.string().optional() })
    .strict(),
  z.object({ role: z.literal("user"), content: textContentSchema, name: z.string().optional() }).strict(),
  z
    .object({
      role: z.literal("assistant"),
      content: textContentSchema.nullable().optional(),
      name: z.string().optional(),
      refusal: z.string().nullable().optional(),
      tool_calls: z.array(toolCallSchema).optional(),
    })
    .strict(),
  z.object({ role: z.literal("tool"), tool_call_id: z.string().min(1), content: textContentSchema }).strict(),
]);

const toolSchema = z
  .object({
    type: z.literal("function"),
    function: z
      .object({
        name: z.string().min(1),
        description: z.string().optional(),
        parameters: z.record(z.string(), z.unknown()).optional(),
        strict: z.boolean().nullable().optional(),
      })
      .strict(),
  })
  .strict();

const toolChoiceSchema = z.union([
  z.enum(["auto", "none", "required"]),
  z
    .object({ type: z.literal("function"), function: z.object({ name: z.string().min(1) }).strict() })
    .strict(),
]);

const responseFormatSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("text") }).strict(),
  z.object({ type: z.literal("json_object") }).strict(),
  z
    .object({
      type: z.literal("json_schema"),
      json_schema: z
        .object({
          name: z.string().min(1),
          description: z.string().optional(),
          schema: z.record(z.string(), z.unknown()).optional(),
          strict: z.boolean().nullable().optional(),
        })
        .strict(),
    })
    .strict(),
]);

/**
 * Switchyard's own settings of one call, as an extra body field `switchyard` (the headers of
 * `override-headers.ts` say the same); the router validates their values.
 */
export const switchyardFieldsSchema = z
  .object({
    targets: z.unknown().optional(),
    tags: z.unknown().optional(),
    metadata: z.unknown().optional(),
    privacy: z.unknown().optional(),
    budget: z.unknown().optional(),
    slo: z.unknown().optional(),
    timeoutMs: z.unknown().optional(),
  })
  .strict();

const positiveTokens = z.int().min(1).max(1_000_000);

/**
 * The body of `POST /v1/chat/completions` as OpenAI documents it, strict: a field the gateway
 * does not understand is refused with its name rather than dropped.
 */
export const chatCompletionBodySchema = z
  .object({
    model: z.string().min(1),
    messages: z.array(messageSchema).min(1),
    max_tokens: positiveTokens.nullable().optional(),
    max_completion_tokens: positiveTokens.nullable().optional(),
    temperature: z.number().min(0).max(2).nullable().optional(),
    top_p: z.number().min(0).max(1).nullable().optional(),
    stop: z
      .union([z.string(), z.array(z.string()).max(4)])
      .nullable()
      .optional(),
    seed: z.int().nullable().optional(),
    n: z.literal(1).nullable().optional(),
    tools: z.array(toolSchema).optional(),
    tool_choice: toolChoiceSchema.optional(),
    parallel_tool_calls: z.boolean().optional(),
    response_format: responseFormatSchema.optional(),
    logprobs: z.boolean().nullable().optional(),
    top_logprobs: z.int().min(0).max(20).nullable().optional(),
    stream: z.boolean().nullable().optional(),
    stream_options: z.object({ include_usage: z.boolean().optional() }).strict().nullable().optional(),
    user: z.string().max(256).optional(),
    switchyard: switchyardFieldsSchema.optional(),
  })
  .strict();

export type ChatCompletionBody = z.infer<typeof chatCompletionBodySchema>;

export const embeddingsBodySchema = z
  .object({
    model: z.string().min(1),
    input: z.union([z.string(), z.array(z.string()).min(1)]),
    dimensions: z.int().min(1).max(100_000).optional(),
    encoding_format: z.enum(["float", "base64"]).optional(),
    user: z.string().max(256).optional(),
    switchyard: switchyardFieldsSchema.optional(),
  })
  .strict();

export type EmbeddingsBody = z.infer<typeof embeddingsBodySchema>;
