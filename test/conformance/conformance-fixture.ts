import type { Message, ResponseFormat, TokenLogprob, ToolDefinition, Usage } from "../../src/core/index.js";

/**
 * The canonical conversation every adapter's wire fixtures encode. The suite asserts these exact
 * values, so an adapter passes only if its mapping recovers what the provider sent.
 */
export const conformanceFixture = {
  messages: [
    { role: "system", content: "You are terse." },
    { role: "user", content: "Say hello." },
  ] satisfies Message[],
  maxTokens: 64,

  /** Multi-byte on purpose: a split stream must not break "ö" or "👋" apart. */
  text: "Hello, wörld! 👋 How can I help?",
  /** How stream fixtures should split `text` into deltas. */
  textDeltas: ["Hello", ", wörld", "! 👋", " How can I help?"],
  usage: { inputTokens: 21, outputTokens: 11 } satisfies Usage,
  /** Providers that return a request id (header or body) return this one. */
  requestId: "req_conformance_0123456789",

  tool: {
    name: "get_weather",
    description: "Current weather for a city.",
    parameters: {
      type: "object",
      properties: { city: { type: "string" }, unit: { type: "string", enum: ["celsius", "fahrenheit"] } },
      required: ["city", "unit"],
      additionalProperties: false,
    },
  } satisfies ToolDefinition,
  toolCall: {
    /** Any non-empty id the provider assigns. */
    name: "get_weather",
    arguments: '{"city":"Paris","unit":"celsius"}',
    argumentDeltas: ['{"city":', '"Paris","unit":', '"celsius"}'],
  },
  toolUsage: { inputTokens: 58, outputTokens: 17 } satisfies Usage,

  responseFormat: {
    type: "json_schema",
    name: "weather",
    strict: true,
    schema: {
      type: "object",
      properties: { city: { type: "string" }, temperatureC: { type: "number" } },
      required: ["city", "temperatureC"],
      additionalProperties: false,
    },
  } satisfies ResponseFormat,
  json: { city: "Paris", temperatureC: 21 },

  /** Requested top-k for the log-prob scenario. */
  logprobsTopK: 2,
  /** Text of the log-prob scenario, token by token. */
  logprobs: [
    {
      token: "Hello",
      logprob: -0.0031,
      topLogprobs: [
        { token: "Hello", logprob: -0.0031 },
        { token: "Hi", logprob: -5.8 },
      ],
    },
    {
      token: "!",
      logprob: -0.25,
      topLogprobs: [
        { token: "!", logprob: -0.25 },
        { token: ".", logprob: -1.51 },
      ],
    },
  ] satisfies TokenLogprob[],

  /** `retry-after` seconds in the rate-limit scenario. */
  retryAfterSeconds: 2,
  /** The API key configured for every test; it must never come back out in an error. */
  canaryKey: "canary-5f0c2a7e9b8d4c61a3e2f1d0c9b8a7e6-not-a-key",
} as const;

export type ConformanceFixture = typeof conformanceFixture;
