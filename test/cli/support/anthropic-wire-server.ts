import type { ServerResponse } from "node:http";
import { bearerToken, eventFrame, sendEventStream, sendJson, type WireHandler } from "./loopback-server.js";
import { answerText, type ScriptedAnswer, type WireFailure, type WireScript } from "./wire-script.js";

const messageId = "msg_01XFDUDYJgAACzvnptvVoYEL";
const requestId = "req_011CQ3S8K2kJ9w7nZ4tYb5Ue";

interface MessagesBody {
  model?: string;
  stream?: boolean;
}

/** POST /v1/messages as Anthropic speaks it: a message, or its SSE events from message_start to message_stop. */
export function anthropicWireServer(script: WireScript): WireHandler {
  return async (request, response) => {
    if (request.method !== "POST" || request.path !== "/v1/messages") {
      sendError(response, { status: 404, body: errorBody("not_found_error", `Not found: ${request.path}`) });
      return;
    }
    if (typeof request.headers["anthropic-version"] !== "string") {
      sendError(response, {
        status: 400,
        body: errorBody("invalid_request_error", "anthropic-version: header is required"),
      });
      return;
    }
    // API version 2026-10-21 (what SDK 1.x sends) takes the key as a bearer token; older ones as x-api-key.
    const key = bearerToken(request.headers) ?? request.headers["x-api-key"];
    if (key !== script.apiKey) {
      // The real API names no credential; this canary echoes the key to prove redaction.
      sendError(response, {
        status: 401,
        body: errorBody("authentication_error", `invalid credentials: ${String(key)}`),
      });
      return;
    }
    if (script.failure) {
      sendError(response, script.failure);
      return;
    }
    const body = JSON.parse(request.body) as MessagesBody;
    const model = body.model ?? "unknown";
    if (body.stream) {
      await sendEventStream(response, streamFrames(script.answer, model), { "request-id": requestId });
      return;
    }
    sendJson(response, 200, message(script.answer, model), { "request-id": requestId });
  };
}

function sendError(response: ServerResponse, failure: WireFailure): void {
  sendJson(response, failure.status, failure.body, { "request-id": requestId, ...failure.headers });
}

function errorBody(type: string, message: string) {
  return { type: "error", error: { type, message }, request_id: requestId };
}

/** A 429 as Anthropic sends it when the organization's rate limit is hit. */
export function anthropicRateLimited(): WireFailure {
  return {
    status: 429,
    headers: { "retry-after": "0", "anthropic-ratelimit-requests-remaining": "0" },
    body: errorBody(
      "rate_limit_error",
      "This request would exceed the rate limit for your organization of 50 requests per minute.",
    ),
  };
}

function usage(inputTokens: number, outputTokens: number) {
  return {
    input_tokens: inputTokens,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
    output_tokens: outputTokens,
    service_tier: "standard",
  };
}

function message(answer: ScriptedAnswer, model: string) {
  return {
    id: messageId,
    type: "message",
    role: "assistant",
    model,
    content: [{ type: "text", text: answerText(answer) }],
    stop_reason: "end_turn",
    stop_sequence: null,
    usage: usage(answer.inputTokens, answer.outputTokens),
  };
}

function streamFrames(answer: ScriptedAnswer, model: string): string[] {
  return [
    eventFrame("message_start", {
      type: "message_start",
      message: {
        id: messageId,
        type: "message",
        role: "assistant",
        model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: usage(answer.inputTokens, 1),
      },
    }),
    eventFrame("content_block_start", {
      type: "content_block_start",
      index: 0,
      content_block: { type: "text", text: "" },
    }),
    eventFrame("ping", { type: "ping" }),
    ...answer.deltas.map((text) =>
      eventFrame("content_block_delta", {
        type: "content_block_delta",
        index: 0,
        delta: { type: "text_delta", text },
      }),
    ),
    eventFrame("content_block_stop", { type: "content_block_stop", index: 0 }),
    eventFrame("message_delta", {
      type: "message_delta",
      delta: { stop_reason: "end_turn", stop_sequence: null },
      usage: { output_tokens: answer.outputTokens },
    }),
    eventFrame("message_stop", { type: "message_stop" }),
  ];
}
