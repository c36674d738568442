import { HttpResponse, http } from "msw";
import { type ConformanceSpec, conformanceFixture as fixture } from "../../../test/conformance/index.js";
import { sseEvent, sseRaw } from "../../../test/support/sse-frames.js";
import { anthropicAdapter } from "../anthropic-provider.js";
import {
  apiError,
  baseURL,
  errorEvent,
  jsonMessage,
  keepAliveFrames,
  messageStart,
  messagesURL,
  model,
  respondWith,
  responseHeaders,
  streamWith,
  textBlockStart,
  textDelta,
  textMessage,
  textStreamFrames,
  toolMessage,
  toolStreamFrames,
} from "./anthropic-wire.js";

/** The Anthropic adapter under the shared conformance suite, with real Messages API payloads. */
export const anthropicConformanceSpec: ConformanceSpec = {
  name: "anthropic",
  factory: anthropicAdapter,
  config: { type: "anthropic", apiKey: fixture.canaryKey, baseURL },
  model,
  features: { streaming: true, tools: true, jsonSchema: true, logprobs: false, requestId: true },
  scenarios: {
    text: () => [respondWith(textMessage)],
    stream: ({ chunkSize }) => [streamWith(textStreamFrames(), { chunkSize })],
    tools: () => [respondWith(toolMessage)],
    toolsStream: ({ chunkSize }) => [streamWith(toolStreamFrames(), { chunkSize })],
    json: () => [respondWith(jsonMessage)],
  },
  httpErrors: {
    badRequest: () => [respondWith(apiError("invalid_request_error", "max_tokens: Field required"), 400)],
    contextLength: () => [
      respondWith(
        apiError("invalid_request_error", "prompt is too long: 215832 tokens > 200000 maximum"),
        400,
      ),
    ],
    auth: () => [respondWith(apiError("authentication_error", "invalid x-api-key"), 401)],
    rateLimit: () => [
      respondWith(
        apiError(
          "rate_limit_error",
          "This request would exceed the rate limit for your organization of 50,000 input tokens per minute.",
        ),
        429,
        {
          "retry-after": String(fixture.retryAfterSeconds),
          "anthropic-ratelimit-input-tokens-remaining": "0",
        },
      ),
    ],
    quota: () => [
      respondWith(
        apiError(
          "invalid_request_error",
          "Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.",
        ),
        400,
      ),
    ],
    server: () => [respondWith(apiError("api_error", "Internal server error"), 500)],
    credentialEcho: () => [
      http.post(messagesURL, ({ request }) =>
        HttpResponse.json(
          apiError("authentication_error", `invalid credentials: ${request.headers.get("authorization")}`),
          { status: 401, headers: responseHeaders },
        ),
      ),
    ],
    extra: [
      {
        name: "529 overloaded to a retryable overloaded error",
        arrange: () => [respondWith(apiError("overloaded_error", "Overloaded"), 529)],
        expected: { kind: "overloaded", retryable: true, status: 529 },
      },
      {
        name: "403 permission_error to auth, not retryable",
        arrange: () => [
          respondWith(
            apiError(
              "permission_error",
              "Your API key does not have permission to use the specified resource.",
            ),
            403,
          ),
        ],
        expected: { kind: "auth", retryable: false, status: 403 },
      },
      {
        name: "404 not_found_error to not_found",
        arrange: () => [respondWith(apiError("not_found_error", `model: ${model}`), 404)],
        expected: { kind: "not_found", retryable: false, status: 404 },
      },
      {
        name: "413 request_too_large to bad_request, not retryable",
        arrange: () => [
          respondWith(
            apiError("request_too_large", "Request exceeds the maximum allowed number of bytes."),
            413,
          ),
        ],
        expected: { kind: "bad_request", retryable: false, status: 413 },
      },
      {
        name: "a 500 with x-should-retry: false to a server error that is not retried",
        arrange: () => [
          respondWith(apiError("api_error", "Internal server error"), 500, { "x-should-retry": "false" }),
        ],
        expected: { kind: "server", retryable: false, status: 500 },
      },
      {
        name: "a 429 with retry-after-ms to the exact hint",
        arrange: () => [
          respondWith(
            apiError("rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit"),
            429,
            {
              "retry-after-ms": "1500",
              "retry-after": "2",
            },
          ),
        ],
        expected: { kind: "rate_limit", retryable: true, status: 429, retryAfterMs: 1500 },
      },
    ],
  },
  streamFaults: {
    truncated: ({ chunkSize }) => [
      streamWith(
        [messageStart(fixture.usage), textBlockStart(0), textDelta(0, "Hello"), textDelta(0, ", wörld")],
        {
          chunkSize,
        },
      ),
    ],
    malformedJson: ({ chunkSize }) => [
      streamWith(
        [
          messageStart(fixture.usage),
          textBlockStart(0),
          textDelta(0, "Hello"),
          `event: content_block_delta\n${sseRaw('{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hel')}`,
        ],
        { chunkSize },
      ),
    ],
    keepAlive: ({ chunkSize }) => [streamWith(keepAliveFrames(), { chunkSize })],
    errorEvent: ({ chunkSize }) => [
      streamWith(
        [
          messageStart(fixture.usage),
          textBlockStart(0),
          textDelta(0, "Hello"),
          errorEvent("overloaded_error", "Overloaded"),
        ],
        { chunkSize },
      ),
    ],
    stall: () => [
      streamWith([messageStart(fixture.usage), textBlockStart(0), textDelta(0, "Hello")], { hang: true }),
    ],
  },
};

/** An unknown event type, as the API may add within a version. */
export const unknownEvent = sseEvent("content_block_annotation", {
  type: "content_block_annotation",
  index: 0,
});
