import {
  wireUsage as anthropicUsage,
  apiError,
  blockStop,
  messageBody,
  messageDelta,
  messageStart,
  messageStop,
  ping,
  textBlockStart,
  textDelta,
} from "../../../providers/anthropic/test/anthropic-wire.js";
import {
  chunk,
  completion,
  finishChunk,
  wireUsage as openaiUsage,
  roleChunk,
  textChunk,
  usageChunk,
} from "../../../providers/openai/fixtures/openai-wire.js";
import type { PolicyFile } from "../../../src/config/index.js";
import { sseComment, sseData, sseDone, sseEvent, sseRaw } from "../../support/sse-frames.js";

export interface WireTokens {
  inputTokens: number;
  outputTokens: number;
}

/** HTTP failures every shape can produce, by what they mean rather than by status. */
export type HttpFault =
  | "server"
  | "bad-gateway"
  | "unavailable"
  | "overloaded"
  | "rate-limit"
  | "quota"
  | "context-length"
  | "content-filter"
  | "auth"
  | "bad-request";

export interface HttpFailure {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** How one provider family speaks on the wire: enough to script every fault scenario. */
export interface ProviderShape {
  name: "openai" | "anthropic";
  model: string;
  /** A base URL for a provider with this id (distinct hosts, so each upstream is told apart). */
  baseURL(id: string): string;
  /** The endpoint a chat call of this shape posts to. */
  endpoint(baseURL: string): string;
  providerConfig(baseURL: string, apiKey: string): PolicyFile["providers"][string];
  /** A whole non-streaming answer. `refusal` ends it on the provider's content-filter reason. */
  answer(text: string, usage: WireTokens, refusal?: boolean): unknown;
  /** The frames before the first token and the token frames themselves. */
  opening(deltas: readonly string[]): string[];
  /** The frames of a stream that has started a tool call (name and part of its arguments). */
  toolOpening(): string[];
  /** The frames that end a complete answer. */
  closing(usage: WireTokens, refusal?: boolean): string[];
  /** A whole non-streaming answer that calls one tool; `cut`: it stopped at max tokens. */
  toolAnswer(call: { name: string; arguments: string }, usage: WireTokens, cut?: boolean): unknown;
  /** The frames that end a stream opened by `toolOpening`, at max tokens when `cut`. */
  toolClosing(usage: WireTokens, cut?: boolean): string[];
  /** A frame the adapter reads but yields no part for (SSE comment, `ping` event). */
  keepAlive: string;
  /** An error event inside a 200 stream. */
  errorEvent(message: string): string;
  /** A data frame that is not valid JSON. */
  malformed: string;
  /** A well-formed event of a type the adapter does not know. */
  unknownEvent: string;
  /** The response the provider sends for an HTTP-level fault; undefined when it has none. */
  failure(fault: HttpFault, message?: string): HttpFailure | undefined;
}

const openaiError = (message: string, type: string, code: string | null) => ({
  error: { message, type, param: null, code },
});

export const openaiShape: ProviderShape = {
  name: "openai",
  model: "gpt-4o-mini",
  baseURL: (id) => `https://${id}.openai.test/v1`,
  endpoint: (baseURL) => `${baseURL}/chat/completions`,
  providerConfig: (baseURL, apiKey) => ({ type: "openai", apiKey, baseURL }),
  answer: (text, usage, refusal) =>
    completion(
      {
        message: refusal ? { content: null, refusal: text } : { content: text },
        finish_reason: refusal ? "content_filter" : "stop",
      },
      openaiUsage(usage),
    ),
  opening: (deltas) => [sseData(roleChunk), ...deltas.map((delta) => sseData(textChunk(delta)))],
  toolOpening: () => [
    sseData(roleChunk),
    sseData(
      chunk({
        delta: {
          tool_calls: [
            {
              index: 0,
              id: "call_DdmO9pD3xa9XTPNJ32zg2hcA",
              type: "function",
              function: { name: "get_weather", arguments: "" },
            },
          ],
        },
      }),
    ),
    sseData(chunk({ delta: { tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] } })),
  ],
  closing: (usage, refusal) => [
    sseData(finishChunk(refusal ? "content_filter" : "stop")),
    sseData(usageChunk(usage)),
    sseDone,
  ],
  toolAnswer: (call, usage, cut) =>
    completion(
      {
        message: {
          content: null,
          tool_calls: [
            {
              id: "call_DdmO9pD3xa9XTPNJ32zg2hcA",
              type: "function",
              function: { name: call.name, arguments: call.arguments },
            },
          ],
        },
        finish_reason: cut ? "length" : "tool_calls",
      },
      openaiUsage(usage),
    ),
  toolClosing: (usage, cut) => [
    sseData(finishChunk(cut ? "length" : "tool_calls")),
    sseData(usageChunk(usage)),
    sseDone,
  ],
  keepAlive: sseComment("keep-alive"),
  errorEvent: (message) => sseData(openaiError(message, "server_error", null)),
  malformed: sseRaw(
    '{"id":"chatcmpl-B9M","object":"chat.completion.chunk","choices":[{"delta":{"content":"Hel',
  ),
  unknownEvent: sseData({ ...chunk(undefined), object: "chat.completion.annotation", annotations: [] }),
  failure(fault, message) {
    switch (fault) {
      case "server":
        return { status: 500, body: openaiError(message ?? "The server had an error", "server_error", null) };
      case "bad-gateway":
        return { status: 502, body: openaiError(message ?? "Bad gateway", "server_error", null) };
      case "unavailable":
      case "overloaded":
        return {
          status: 503,
          body: openaiError(message ?? "The engine is currently overloaded", "server_error", null),
        };
      case "rate-limit":
        return {
          status: 429,
          body: openaiError(message ?? "Rate limit reached for requests", "requests", "rate_limit_exceeded"),
        };
      case "quota":
        return {
          status: 429,
          body: openaiError(
            message ?? "You exceeded your current quota, please check your plan and billing details.",
            "insufficient_quota",
            "insufficient_quota",
          ),
        };
      case "context-length":
        return {
          status: 400,
          body: openaiError(
            message ??
              "This model's maximum context length is 8192 tokens. However, your messages resulted in 9000 tokens.",
            "invalid_request_error",
            "context_length_exceeded",
          ),
        };
      case "content-filter":
        return {
          status: 400,
          body: openaiError(
            message ?? "Your request was rejected as a result of our safety system.",
            "invalid_request_error",
            "content_policy_violation",
          ),
        };
      case "auth":
        return {
          status: 401,
          body: openaiError(
            message ?? "Incorrect API key provided",
            "invalid_request_error",
            "invalid_api_key",
          ),
        };
      case "bad-request":
        return {
          status: 400,
          body: openaiError(message ?? "Invalid value for 'temperature'", "invalid_request_error", null),
        };
    }
  },
};

export const anthropicShape: ProviderShape = {
  name: "anthropic",
  model: "claude-sonnet-4-6",
  baseURL: (id) => `https://${id}.anthropic.test`,
  endpoint: (baseURL) => `${baseURL}/v1/messages`,
  providerConfig: (baseURL, apiKey) => ({ type: "anthropic", apiKey, baseURL }),
  answer: (text, usage, refusal) =>
    messageBody({
      content: [{ type: "text", text }],
      stopReason: refusal ? "refusal" : "end_turn",
      usage: anthropicUsage(usage),
    }),
  opening: (deltas) => [
    messageStart({ inputTokens: 9 }),
    textBlockStart(0),
    ...deltas.map((delta) => textDelta(0, delta)),
  ],
  toolOpening: () => [
    messageStart({ inputTokens: 9 }),
    sseEvent("content_block_start", {
      type: "content_block_start",
      index: 0,
      content_block: {
        type: "tool_use",
        id: "toolu_01T1x1fJ34qAmk2tNTrN7Up6",
        name: "get_weather",
        input: {},
      },
    }),
    sseEvent("content_block_delta", {
      type: "content_block_delta",
      index: 0,
      delta: { type: "input_json_delta", partial_json: '{"city":' },
    }),
  ],
  closing: (usage, refusal) => [
    blockStop(0),
    messageDelta(refusal ? "refusal" : "end_turn", usage.outputTokens),
    messageStop,
  ],
  toolAnswer: (call, usage, cut) =>
    messageBody({
      content: [
        {
          type: "tool_use",
          id: "toolu_01A09q90qw90lq917835lq9",
          name: call.name,
          // At max_tokens the API sends what it could parse of the input.
          input: cut ? {} : (JSON.parse(call.arguments) as unknown),
        },
      ],
      stopReason: cut ? "max_tokens" : "tool_use",
      usage: anthropicUsage(usage),
    }),
  toolClosing: (usage, cut) => [
    blockStop(0),
    messageDelta(cut ? "max_tokens" : "tool_use", usage.outputTokens),
    messageStop,
  ],
  keepAlive: ping,
  errorEvent: (message) => sseEvent("error", apiError("overloaded_error", message)),
  malformed: `event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hel\n\n`,
  unknownEvent: sseEvent("citation_added", { type: "citation_added", index: 0, citation: { url: "x" } }),
  failure(fault, message) {
    switch (fault) {
      case "server":
        return { status: 500, body: apiError("api_error", message ?? "Internal server error") };
      case "bad-gateway":
        return { status: 502, body: apiError("api_error", message ?? "Bad gateway") };
      case "unavailable":
        return { status: 503, body: apiError("api_error", message ?? "Service unavailable") };
      case "overloaded":
        return { status: 529, body: apiError("overloaded_error", message ?? "Overloaded") };
      case "rate-limit":
        return {
          status: 429,
          body: apiError("rate_limit_error", message ?? "This request would exceed the rate limit"),
        };
      case "quota":
        return {
          status: 400,
          body: apiError(
            "invalid_request_error",
            message ?? "Your credit balance is too low to access the Anthropic API.",
          ),
        };
      case "context-length":
        return {
          status: 400,
          body: apiError(
            "invalid_request_error",
            message ?? "prompt is too long: 215832 tokens > 200000 maximum",
          ),
        };
      case "content-filter":
        return undefined;
      case "auth":
        return { status: 401, body: apiError("authentication_error", message ?? "invalid x-api-key") };
      case "bad-request":
        return {
          status: 400,
          body: apiError("invalid_request_error", message ?? "max_tokens: Field required"),
        };
    }
  },
};

export const providerShapes: readonly ProviderShape[] = [openaiShape, anthropicShape];

/**
 * A llama.cpp `llama-server` behind the openai-compatible adapter: the OpenAI wire, its own errors.
 * The router reads its `GET /props` when it builds the targets: a test registers that handler.
 */
export const llamaServerShape: ProviderShape = {
  ...openaiShape,
  model: "qwen2.5-0.5b-instruct",
  baseURL: (id) => `http://${id}.llama.test:8080/v1`,
  providerConfig: (baseURL, apiKey) => ({ type: "openai-compatible", host: "llamacpp", baseURL, apiKey }),
};
