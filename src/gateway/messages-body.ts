import { z } from "zod";
import { switchyardFieldsSchema } from "./chat-completion-body.js";

const cacheControl = z
  .object({ type: z.literal("ephemeral"), ttl: z.string().optional() })
  .strict()
  .optional();

const textBlockSchema = z
  .object({
    type: z.literal("text"),
    text: z.string(),
    cache_control: cacheControl,
    citations: z.null().optional(),
  })
  .strict();

const toolUseBlockSchema = z
  .object({
    type: z.literal("tool_use"),
    id: z.string().min(1),
    name: z.string().min(1),
    input: z.unknown(),
    cache_control: cacheControl,
  })
  .strict();

const toolResultBlockSchema = z
  .object({
    type: z.literal("tool_result"),
    tool_use_id: z.string().min(1),
    content: z.union([z.string(), z.array(textBlockSchema)]).optional(),
    is_error: z.boolean().optional(),
    cache_control: cacheControl,
  })
  .strict();

/** A thinking block of an earlier turn, as Anthropic's clients send it back; it is not sent on. */
const thinkingBlockSchema = z
  .object({ type: z.literal("thinking"), thinking: z.string(), signature: z.string().optional() })
  .strict();
const redactedThinkingBlockSchema = z
  .object({ type: z.literal("redacted_thinking"), data: z.string() })
  .strict();

const userBlockSchema = z.discriminatedUnion("type", [textBlockSchema, toolResultBlockSchema]);
const assistantBlockSchema = z.discriminatedUnion("type", [
  textBlockSchema,
  toolUseBlockSchema,
  thinkingBlockSchema,
  redactedThinkingBlockSchema,
]);

const messageSchema = z.discriminatedUnion("role", [
  z
    .object({ role: z.literal("user"), content: z.union([z.string(), z.array(userBlockSchema).min(1)]) })
    .strict(),
  z
    .object({ role: z.literal("assistant"), content: z.union([z.string(), z.array(assistantBlockSchema)]) })
    .strict(),
]);

const toolSchema = z
  .object({
    name: z.string().min(1),
    description: z.string().optional(),
    input_schema: z.record(z.string(), z.unknown()),
    type: z.literal("custom").optional(),
    cache_control: cacheControl,
  })
  .strict();

const toolChoiceSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("auto"), disable_parallel_tool_use: z.boolean().optional() }).strict(),
  z.object({ type: z.literal("any"), disable_parallel_tool_use: z.boolean().optional() }).strict(),
  z.object({ type: z.literal("none") }).strict(),
  z
    .object({
      type: z.literal("tool"),
      name: z.string().min(1),
      disable_parallel_tool_use: z.boolean().optional(),
    })
    .strict(),
]);

/** The body of `POST /v1/messages` as Anthropic documents it, strict like the OpenAI one. */
export const messagesBodySchema = z
  .object({
    model: z.string().min(1),
    max_tokens: z.int().min(1).max(1_000_000),
    messages: z.array(messageSchema).min(1),
    system: z.union([z.string(), z.array(textBlockSchema)]).optional(),
    stop_sequences: z.array(z.string()).optional(),
    temperature: z.number().min(0).max(1).optional(),
    top_p: z.number().min(0).max(1).optional(),
    tools: z.array(toolSchema).optional(),
    tool_choice: toolChoiceSchema.optional(),
    stream: z.boolean().optional(),
    metadata: z
      .object({ user_id: z.string().max(256).nullable().optional() })
      .strict()
      .optional(),
    switchyard: switchyardFieldsSchema.optional(),
  })
  .strict();

export type MessagesBody = z.infer<typeof messagesBodySchema>;
