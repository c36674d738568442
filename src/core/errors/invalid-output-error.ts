import type { FinishReason } from "../finish-reason.js";
import type { ToolCall } from "../messages.js";
import { ProviderCallError } from "./provider-call-error.js";
import { errorMarker } from "./switchyard-error.js";

const marker = errorMarker("InvalidOutputError");

/** What was wrong with the answer. */
export type InvalidOutputReason =
  /** A JSON-schema or JSON-object answer that is not JSON. */
  | "not_json"
  /** A `json_object` answer that parses to something other than an object. */
  | "not_object"
  /** A JSON-schema answer that parses but does not match the schema (`violations` say where). */
  | "schema_mismatch"
  /** `toolChoice` "required" or a named tool, answered without that call. */
  | "missing_tool_call"
  /** A call of a tool the request does not define. */
  | "unknown_tool"
  /** A tool call whose arguments are not a JSON object or fail the tool's parameters schema. */
  | "invalid_tool_arguments"
  /** The answer (a JSON answer or a tool call) was cut off by `maxTokens`: finish reason `length`. */
  | "length";

/** One way the answer fails its schema: a JSON pointer into the value and the validator's words. */
export interface OutputViolation {
  /** e.g. "/items/0/price"; "" for the root. */
  pointer: string;
  message: string;
}

export interface InvalidOutputErrorOptions {
  reason: InvalidOutputReason;
  /** What was wrong, in words, without the prefix naming the target. */
  detail: string;
  provider: string;
  model: string;
  target?: string;
  /** The answer's raw text (secrets already redacted by the router). */
  text: string;
  finishReason: FinishReason;
  /** The answer's tool calls as received, partial ones included (`arguments` is the raw text). */
  toolCalls?: ToolCall[];
  /** The tool call at fault, for `unknown_tool` and `invalid_tool_arguments`. */
  toolCall?: ToolCall;
  violations?: OutputViolation[];
  requestId?: string;
}

/** At most this many violations are named in the message; `violations` holds them all. */
const violationsInMessage = 3;

/**
 * The target answered, but not with what the request demands: structured output that does not
 * parse or validate, a required tool call missing, tool arguments that fail their schema, or an
 * answer cut off by `maxTokens` mid JSON or mid tool call. Kind `invalid_output`. It is a
 * `ProviderCallError`, so a route's `retryOn` / `fallbackOn` can name the kind; by default it is
 * not retried on the same target (`retryable: false`: a deterministic model answers the same
 * again) and moves the call to the next target. The attempt was billed.
 */
export class InvalidOutputError extends ProviderCallError {
  readonly [marker] = true;
  readonly reason: InvalidOutputReason;
  readonly text: string;
  readonly finishReason: FinishReason;
  readonly toolCalls: ToolCall[];
  readonly toolCall: ToolCall | undefined;
  readonly violations: OutputViolation[];

  constructor(options: InvalidOutputErrorOptions) {
    const violations = options.violations ?? [];
    const listed = violations
      .slice(0, violationsInMessage)
      .map((violation) => `${violation.pointer || "/"} ${violation.message}`);
    const more =
      violations.length > violationsInMessage ? `, +${violations.length - violationsInMessage} more` : "";
    super({
      kind: "invalid_output",
      message: `${options.provider}:${options.model} answered with invalid output: ${options.detail}${listed.length ? ` (${listed.join("; ")}${more})` : ""}`,
      provider: options.provider,
      model: options.model,
      ...(options.target === undefined ? {} : { target: options.target }),
      retryable: false,
      possiblyBilled: true,
      ...(options.requestId === undefined ? {} : { requestId: options.requestId }),
    });
    this.name = "InvalidOutputError";
    this.reason = options.reason;
    this.text = options.text;
    this.finishReason = options.finishReason;
    this.toolCalls = options.toolCalls ?? [];
    this.toolCall = options.toolCall;
    this.violations = violations;
  }

  static override isInstance(error: unknown): error is InvalidOutputError {
    return typeof error === "object" && error !== null && marker in error;
  }

  override toJSON(): Record<string, unknown> {
    return {
      ...super.toJSON(),
      reason: this.reason,
      text: this.text,
      finishReason: this.finishReason,
      ...(this.toolCalls.length ? { toolCalls: this.toolCalls } : {}),
      ...(this.toolCall ? { toolCall: this.toolCall } : {}),
      ...(this.violations.length ? { violations: this.violations } : {}),
    };
  }
}
