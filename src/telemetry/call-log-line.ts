import { z } from "zod";

/** The call log's format version; a change that is not purely additive raises it. */
export const callLogVersion = 1;

const tokens = z.object({
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
  cachedInputTokens: z.number().int().nonnegative().optional(),
});

const attempt = z.object({
  target: z.string(),
  provider: z.string(),
  model: z.string(),
  /** 1 for the first attempt on this target within the call, 2 for its first retry, … */
  attempt: z.number().int().positive(),
  hedge: z.boolean().optional(),
  /** "success", "error", "aborted" or "interrupted" (failed after delivering text). */
  outcome: z.string(),
  errorKind: z.string().optional(),
  errorMessage: z.string().optional(),
  status: z.number().int().optional(),
  ms: z.number().nonnegative(),
  ttftMs: z.number().nonnegative().optional(),
  costUsd: z.number().nonnegative(),
  possiblyBilled: z.boolean(),
  usage: tokens.optional(),
  finishReason: z.string().optional(),
});

/**
 * One line of the call log (JSON Lines), version 1: everything a policy replay needs to decide
 * the call again — what it asked for, which targets were ranked and rejected, and what every
 * attempt did and cost. Fields may be added within a version; none is removed or changes meaning.
 * Message content appears only under `content`, and only when the log was opened with
 * `content: true`.
 */
export const callLogLineSchema = z.object({
  v: z.literal(callLogVersion),
  callId: z.string(),
  /** When `chat()` / `stream()` was called and when the call ended, ISO 8601 (UTC). */
  startedAt: z.string(),
  endedAt: z.string(),
  durationMs: z.number().nonnegative(),
  streaming: z.boolean(),
  /** The route the call started on (absent when the request was invalid). */
  route: z.string().optional(),
  /** The `select` rule that chose the route, when one did. */
  rule: z.number().int().nonnegative().optional(),
  tags: z.array(z.string()).optional(),
  /** Only when the log was opened with `metadata: true`. */
  metadata: z.record(z.string(), z.string()).optional(),
  /** What the request needs and bounds (absent when the request was invalid). */
  request: z
    .object({
      messages: z.number().int().nonnegative(),
      maxTokens: z.number().int().positive().optional(),
      temperature: z.number().optional(),
      tools: z.number().int().nonnegative(),
      toolChoice: z.string().optional(),
      /** "text", "json_object" or "json_schema". */
      responseFormat: z.string().optional(),
      logprobs: z.object({ topK: z.number().int().nonnegative() }).optional(),
      privacy: z.string().optional(),
      slo: z.object({ ttftMs: z.number().optional(), totalMs: z.number().optional() }).optional(),
      maxCostUsd: z.number().optional(),
      timeoutMs: z.number().optional(),
      targets: z
        .object({
          only: z.array(z.string()).optional(),
          order: z.array(z.string()).optional(),
          ignore: z.array(z.string()).optional(),
          allowFallbacks: z.boolean().optional(),
        })
        .optional(),
    })
    .optional(),
  /** Candidates in the order the strategy ranked them, and every rejection with its policy. */
  ranked: z.array(z.string()),
  rejected: z.array(z.object({ target: z.string(), policy: z.string(), reason: z.string() })),
  paused: z
    .array(z.object({ target: z.string(), until: z.number(), reason: z.string(), action: z.string() }))
    .optional(),
  fallbacks: z.array(z.object({ from: z.string(), to: z.string(), reason: z.string() })).optional(),
  attempts: z.array(attempt),
  /** "success", "error" or "aborted" (by the caller or by `close`). */
  outcome: z.enum(["success", "error", "aborted"]),
  /** The target that answered, on success. */
  target: z.string().optional(),
  provider: z.string().optional(),
  model: z.string().optional(),
  /** Tokens of the answer on success (continuations included). */
  usage: tokens.optional(),
  /** Every billed or possibly billed attempt, US dollars. */
  costUsd: z.number().nonnegative(),
  finishReason: z.string().optional(),
  error: z.object({ type: z.string(), message: z.string() }).optional(),
  content: z
    .object({
      messages: z.array(z.unknown()),
      text: z.string().optional(),
      /** The model's reasoning, where the provider returned it. */
      reasoning: z.string().optional(),
    })
    .optional(),
});

export type CallLogLine = z.infer<typeof callLogLineSchema>;
