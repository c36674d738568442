import { z } from "zod";
import { type ChatRequest, InvalidRequestError, type JsonValue } from "../core/index.js";
import { findJsonSchemaProblem } from "./validate-json-schema.js";

/** Larger than any model's output window: a value above it is a bug in the caller. */
const maximumOutputTokens = 1_000_000;

const jsonObject = z.record(z.string(), z.unknown());

const message = z.discriminatedUnion("role", [
  z.object({ role: z.literal("system"), content: z.string() }).strict(),
  z.object({ role: z.literal("user"), content: z.string() }).strict(),
  z
    .object({
      role: z.literal("assistant"),
      content: z.string(),
      toolCalls: z
        .array(z.object({ id: z.string().min(1), name: z.string().min(1), arguments: z.string() }).strict())
        .optional(),
    })
    .strict(),
  z.object({ role: z.literal("tool"), toolCallId: z.string().min(1), content: z.string() }).strict(),
]);

const tool = z
  .object({
    name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, "1–64 letters, digits, _ or -"),
    description: z.string().optional(),
    parameters: jsonObject,
  })
  .strict();

const requestSchema = z
  .object({
    route: z.string().min(1).optional(),
    messages: z.array(message).min(1, "at least one message is required"),
    maxTokens: z.number().int().positive().max(maximumOutputTokens).optional(),
    temperature: z.number().min(0).max(2).optional(),
    topP: z.number().gt(0).max(1).optional(),
    stop: z.array(z.string().min(1)).max(16).optional(),
    seed: z.number().int().optional(),
    tools: z.array(tool).optional(),
    toolChoice: z
      .union([z.enum(["auto", "none", "required"]), z.object({ name: z.string().min(1) }).strict()])
      .optional(),
    responseFormat: z
      .discriminatedUnion("type", [
        z.object({ type: z.literal("text") }).strict(),
        z.object({ type: z.literal("json_object") }).strict(),
        z
          .object({
            type: z.literal("json_schema"),
            schema: jsonObject,
            name: z
              .string()
              .regex(/^[a-zA-Z0-9_-]{1,64}$/)
              .optional(),
            strict: z.boolean().optional(),
          })
          .strict(),
      ])
      .optional(),
    logprobs: z
      .object({ topK: z.number().int().min(0).max(20) })
      .strict()
      .optional(),
    slo: z
      .object({ ttftMs: z.number().positive().optional(), totalMs: z.number().positive().optional() })
      .strict()
      .optional(),
    budget: z.object({ maxCostUsd: z.number().nonnegative().optional() }).strict().optional(),
    privacy: z.enum(["local-only", "no-training"]).optional(),
    tags: z.array(z.string().min(1)).optional(),
    metadata: z.record(z.string(), z.string()).optional(),
    signal: z.instanceof(AbortSignal).optional(),
    timeoutMs: z.number().positive().max(3_600_000).optional(),
    providerOptions: z.record(z.string(), jsonObject).optional(),
  })
  .strict();

/** Validates a request before routing; the first problem becomes an InvalidRequestError naming its field. */
export function validateRequest(request: unknown): ChatRequest {
  const parsed = requestSchema.safeParse(request);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.map(String).join(".") || "request";
    throw new InvalidRequestError(field, issue?.message ?? "invalid");
  }
  const value = parsed.data as ChatRequest;
  for (const [index, entry] of (value.tools ?? []).entries()) {
    const problem = findJsonSchemaProblem(entry.parameters as JsonValue);
    if (problem)
      throw new InvalidRequestError(`tools.${index}.parameters`, `invalid JSON schema at ${problem}`);
  }
  if (value.responseFormat?.type === "json_schema") {
    const problem = findJsonSchemaProblem(value.responseFormat.schema as JsonValue);
    if (problem) throw new InvalidRequestError("responseFormat.schema", `invalid JSON schema at ${problem}`);
  }
  const choice = value.toolChoice;
  if (typeof choice === "object" && !value.tools?.some((entry) => entry.name === choice.name)) {
    throw new InvalidRequestError("toolChoice.name", `"${choice.name}" is not one of the request's tools`);
  }
  return value;
}
