import type { JsonSchema } from "./json-schema.js";
import type { Message } from "./messages.js";

export interface ToolDefinition {
  name: string;
  description?: string;
  /** JSON Schema of the arguments object. */
  parameters: JsonSchema;
}

export type ToolChoice = "auto" | "none" | "required" | { name: string };

export type ResponseFormat =
  | { type: "text" }
  | { type: "json_object" }
  | { type: "json_schema"; schema: JsonSchema; name?: string; strict?: boolean };

export type PrivacyClass = "local-only" | "no-training";

export interface LatencySlo {
  /** Time to first token, in milliseconds. */
  ttftMs?: number;
  /** Whole call, in milliseconds; also the call's deadline. */
  totalMs?: number;
}

/**
 * A caller's narrowing of its route's targets, never a widening: every id must be a target of the
 * request's route, and the policy's filters (privacy, budgets, capabilities) still apply.
 */
export interface TargetOverrides {
  /** Only these of the route's targets may serve the call. @default every target of the route */
  only?: string[];
  /** These targets first, in this order; the others after them, as the route's strategy ranks them. */
  order?: string[];
  /** These targets never serve the call, on the route or on its fallback routes. @default none */
  ignore?: string[];
  /**
   * `false`: only the first-ranked target is tried (with its own retries); no other target, no
   * hedge, no larger-context retry and no fallback route. @default true
   */
  allowFallbacks?: boolean;
}

/** What a caller sends to `router.chat()` / `router.stream()`. */
export interface ChatRequest {
  /**
   * A route of the policy; when given, the policy's `select` rules are not consulted.
   * @default the route of the first `select` rule the request's tags and metadata match, else
   * the policy's `defaultRoute`, else the route named "default"
   */
  route?: string;
  messages: Message[];
  /** Upper bound on generated tokens. @default 1024 */
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  stop?: string[];
  seed?: number;
  tools?: ToolDefinition[];
  toolChoice?: ToolChoice;
  responseFormat?: ResponseFormat;
  /** A need: only targets that return log-probs with at least `topK` alternatives serve the call. */
  logprobs?: { topK: number };
  /** Tightens the route's SLO: the stricter of the two applies, field by field. */
  slo?: LatencySlo;
  /** Tightens the route's per-call cap: the stricter of the two applies. */
  budget?: { maxCostUsd?: number };
  privacy?: PrivacyClass;
  /** Narrows, reorders or excludes the route's targets, or turns fallback off. @default none */
  targets?: TargetOverrides;
  /** Spend keys for `budgets.tags`, and matched by the policy's `select` rules. */
  tags?: string[];
  /** Matched by the policy's `select` rules to choose the route. */
  metadata?: Record<string, string>;
  /** Cancels the call, its upstream request and every pending retry or fallback. */
  signal?: AbortSignal;
  /**
   * Deadline for the whole call, shared by every retry and fallback; it can shorten the route's
   * `timeoutMs` (and SLO `totalMs`), never extend them. @default the route's
   */
  timeoutMs?: number;
  /** Settings for one provider only, validated by that adapter: `{ openai: { user: "u1" } }`. */
  providerOptions?: Record<string, Record<string, unknown>>;
}
