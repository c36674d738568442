import { HttpResponse, http, type JsonBodyType } from "msw";
import { conformanceFixture as fixture } from "../../../test/conformance/index.js";
import { sseComment, sseEvent } from "../../../test/support/sse-frames.js";
import { type SseResponseOptions, sseResponse } from "../../../test/support/sse-response.js";

/**
 * Messages API wire payloads as the API sends them (shapes copied from real responses, values
 * from the conformance fixture).
 */
export const baseURL = "https://anthropic.conformance.test";
export const messagesURL = `${baseURL}/v1/messages`;
export const model = "claude-sonnet-4-6";

export const responseHeaders = {
  "request-id": fixture.requestId,
  "anthropic-organization-id": "0f3c3a7e-52a4-4b0b-9a43-6f1c2d7b8e90",
  via: "1.1 google",
  "cf-ray": "9a1b2c3d4e5f6789-CDG",
};

interface WireUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens?: number;
  cache_read_input_tokens?: number;
}

export function wireUsage(usage: { inputTokens: number; outputTokens: number }): WireUsage {
  return {
    input_tokens: usage.inputTokens,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    output_tokens: usage.outputTokens,
  };
}

function withCacheDetail(usage: WireUsage) {
  return {
    ...usage,
    cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
    service_tier: "standard",
  };
}

export function messageBody(options: {
  content: unknown[];
  stopReason: string;
  usage: WireUsage;
  id?: string;
}) {
  return {
    id: options.id ?? "msg_01XFDUDYJgAACzvnptvVoYEL",
    type: "message",
    role: "assistant",
    model,
    content: options.content,
    stop_reason: options.stopReason,
    stop_sequence: null,
    usage: withCacheDetail(options.usage),
  };
}

export const textMessage = messageBody({
  content: [{ type: "text", text: fixture.text }],
  stopReason: "end_turn",
  usage: wireUsage(fixture.usage),
});

export const toolMessage = messageBody({
  id: "msg_01Aq9w938a90dw8q",
  content: [
    { type: "text", text: "I'll look up the current weather in Paris." },
    {
      type: "tool_use",
      id: "toolu_01A09q90qw90lq917835lq9",
      name: fixture.toolCall.name,
      input: JSON.parse(fixture.toolCall.arguments),
    },
  ],
  stopReason: "tool_use",
  usage: wireUsage(fixture.toolUsage),
});

export const jsonMessage = messageBody({
  content: [{ type: "text", text: JSON.stringify(fixture.json) }],
  stopReason: "end_turn",
  usage: wireUsage(fixture.usage),
});

/** Answers every Messages API call with `body`. */
export function respondWith(body: JsonBodyType, status = 200, headers: Record<string, string> = {}) {
  return http.post(messagesURL, () =>
    HttpResponse.json(body, { status, headers: { ...responseHeaders, ...headers } }),
  );
}

export function messageStart(usage: { inputTokens: number }) {
  return sseEvent("message_start", {
    type: "message_start",
    message: {
      id: "msg_01XFDUDYJgAACzvnptvVoYEL",
      type: "message",
      role: "assistant",
      model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: withCacheDetail(wireUsage({ inputTokens: usage.inputTokens, outputTokens: 1 })),
    },
  });
}

export function textBlockStart(index: number) {
  return sseEvent("content_block_start", {
    type: "content_block_start",
    index,
    content_block: { type: "text", text: "" },
  });
}

export function textDelta(index: number, text: string) {
  return sseEvent("content_block_delta", {
    type: "content_block_delta",
    index,
    delta: { type: "text_delta", text },
  });
}

export function blockStop(index: number) {
  return sseEvent("content_block_stop", { type: "content_block_stop", index });
}

export const ping = sseEvent("ping", { type: "ping" });

export function messageDelta(stopReason: string, outputTokens: number) {
  return sseEvent("message_delta", {
    type: "message_delta",
    delta: { stop_reason: stopReason, stop_sequence: null },
    usage: { output_tokens: outputTokens },
  });
}

export const messageStop = sseEvent("message_stop", { type: "message_stop" });

export function errorEvent(type: string, message: string) {
  return sseEvent("error", { type: "error", error: { type, message }, request_id: fixture.requestId });
}

/** The text answer as the API streams it, ping included. */
export function textStreamFrames(): string[] {
  return [
    messageStart(fixture.usage),
    textBlockStart(0),
    ping,
    ...fixture.textDeltas.map((text) => textDelta(0, text)),
    blockStop(0),
    messageDelta("end_turn", fixture.usage.outputTokens),
    messageStop,
  ];
}

export function toolStreamFrames(): string[] {
  return [
    messageStart(fixture.toolUsage),
    textBlockStart(0),
    textDelta(0, "I'll look up the current weather in Paris."),
    blockStop(0),
    sseEvent("content_block_start", {
      type: "content_block_start",
      index: 1,
      content_block: {
        type: "tool_use",
        id: "toolu_01T1x1fJ34qAmk2tNTrN7Up6",
        name: fixture.toolCall.name,
        input: {},
      },
    }),
    sseEvent("content_block_delta", {
      type: "content_block_delta",
      index: 1,
      delta: { type: "input_json_delta", partial_json: "" },
    }),
    ...fixture.toolCall.argumentDeltas.map((partial) =>
      sseEvent("content_block_delta", {
        type: "content_block_delta",
        index: 1,
        delta: { type: "input_json_delta", partial_json: partial },
      }),
    ),
    blockStop(1),
    messageDelta("tool_use", fixture.toolUsage.outputTokens),
    messageStop,
  ];
}

/** Streams `frames` for every Messages API call. */
export function streamWith(frames: readonly string[], options: Omit<SseResponseOptions, "signal"> = {}) {
  return http.post(messagesURL, ({ request }) =>
    sseResponse(frames, {
      ...options,
      headers: { ...responseHeaders, ...options.headers },
      ...(options.hang ? { signal: request.signal } : {}),
    }),
  );
}

export function keepAliveFrames(): string[] {
  return textStreamFrames().flatMap((frame) => [frame, sseComment()]);
}

export function apiError(type: string, message: string) {
  return { type: "error", error: { type, message }, request_id: fixture.requestId };
}
