import type { ErrorKind } from "../../src/core/index.js";
import { classifyStatus, type StatusClassification } from "./classify-status.js";

/** What an error body says, whichever provider wrote it. */
export interface FailureBody {
  /** `error.code`: "context_length_exceeded", "insufficient_quota", a number from some hosts. */
  code?: unknown;
  /** `error.type`: "invalid_request_error", "exceed_context_size_error", "BadRequestError". */
  type?: unknown;
  message: string;
}

/** Machine-readable codes and types of a prompt over the model's window. */
const contextLengthCodes = new Set(["context_length_exceeded", "exceed_context_size_error"]);

/**
 * The wordings of a prompt over the window (fixtures in test/fixtures/context-length):
 * OpenAI and vLLM "maximum context length is 4096 tokens", Anthropic "prompt is too long",
 * llama.cpp server "request (826 tokens) exceeds the available context size", Ollama "the input
 * length exceeds the context length", Replicate's models "prompt length" / "maximum input length".
 */
const contextLengthPattern =
  /context (window|length)|prompt is too long|exceeds? (the )?(available |maximum )?context size|input length exceeds|too many (input )?tokens|maximum input length|prompt length/i;

const quotaCodes = new Set(["insufficient_quota", "billing_error"]);
const quotaPattern =
  /credit balance|insufficient credit|spend limit|usage limit|billing|exceeded your current quota/i;

const contentFilterCodes = new Set(["content_filter", "content_policy_violation"]);
const contentFilterPattern = /content (management )?policy|content filter/i;

/**
 * The kind an error body proves beyond its status: a prompt over the window (`context_length`,
 * which makes the router try a larger-context target), exhausted credit (`quota`), a refusal
 * (`content_filter`). Undefined when the body says nothing more.
 */
export function classifyFailureBody(body: FailureBody): ErrorKind | undefined {
  const { code, type, message } = body;
  if (
    isOneOf(code, contextLengthCodes) ||
    isOneOf(type, contextLengthCodes) ||
    contextLengthPattern.test(message)
  ) {
    return "context_length";
  }
  if (isQuota(body)) return "quota";
  if (
    isOneOf(code, contentFilterCodes) ||
    isOneOf(type, contentFilterCodes) ||
    contentFilterPattern.test(message)
  ) {
    return "content_filter";
  }
  return undefined;
}

/**
 * An HTTP failure, read the same way for every adapter: the status (classifyStatus), refined by
 * the body for the request-rejected family (400, 402, 413, 422) — where a context-length, quota
 * or content-filter body means what it says, none retryable — and for 429 only when the body
 * says the quota is spent (OpenAI's `insufficient_quota`), which waiting will not fix.
 * 401, 403, 404 and 5xx mean what their status says whatever the message.
 */
export function classifyStatusFailure(status: number, body: FailureBody): StatusClassification {
  const byStatus = classifyStatus(status);
  const refinable = status === 400 || status === 402 || status === 413 || status === 422;
  if (status === 429) return isQuota(body) ? { kind: "quota", retryable: false } : byStatus;
  const byBody = refinable ? classifyFailureBody(body) : undefined;
  return byBody === undefined ? byStatus : { kind: byBody, retryable: false };
}

function isQuota({ code, type, message }: FailureBody): boolean {
  return isOneOf(code, quotaCodes) || isOneOf(type, quotaCodes) || quotaPattern.test(message);
}

function isOneOf(value: unknown, set: ReadonlySet<string>): boolean {
  return typeof value === "string" && set.has(value);
}
