import { type DefaultBodyType, HttpResponse, http, type JsonBodyType } from "msw";
import {
  type Arrange,
  type ArrangeStream,
  type ConformanceSpec,
  conformanceFixture as fixture,
} from "../../../test/conformance/index.js";
import { sseComment, sseData, sseDone, sseRaw } from "../../../test/support/sse-frames.js";
import { sseResponse } from "../../../test/support/sse-response.js";

/**
 * Mistral's chat-completions wire format, shaped like recorded responses of mistral-small-latest
 * (ids, `created`, the `object: "error"` bodies of its API), carrying the conformance values.
 */
export const mistralBaseURL = "https://api.mistral.test/v1";
const url = `${mistralBaseURL}/chat/completions`;
const ids = { completion: "4e0d1b5e9ac9431b8eb1b5b1a6ed0f4b", created: 1741569952, toolCall: "D681PevKs" };
const model = "mistral-small-latest";

/** Headers Mistral's gateway sends with every response. */
export const mistralHeaders = {
  "mistral-correlation-id": "0195a1f4-7c1e-7b6d-9f3a-2c4e8d1b6a90",
  "x-kong-request-id": "6b3f1e0a4c2d5b7e9f8a1c3d",
} as const;

type Json = Record<string, unknown>;

const usage = (tokens: { inputTokens: number; outputTokens: number }) => ({
  prompt_tokens: tokens.inputTokens,
  total_tokens: tokens.inputTokens + tokens.outputTokens,
  completion_tokens: tokens.outputTokens,
});

function completion(message: Json, finishReason: string, tokens = fixture.usage): Json {
  return {
    id: ids.completion,
    object: "chat.completion",
    created: ids.created,
    model,
    choices: [
      {
        index: 0,
        message: { role: "assistant", tool_calls: null, prefix: false, ...message },
        finish_reason: finishReason,
      },
    ],
    usage: usage(tokens),
  };
}

function chunk(
  delta: Json,
  finishReason: string | null = null,
  tokens?: { inputTokens: number; outputTokens: number },
): Json {
  return {
    id: ids.completion,
    object: "chat.completion.chunk",
    created: ids.created,
    model,
    choices: [{ index: 0, delta, finish_reason: finishReason }],
    ...(tokens ? { usage: usage(tokens) } : {}),
  };
}

const roleChunk = chunk({ role: "assistant", content: "" });
const textChunk = (text: string) => chunk({ content: text });
const toolCall = {
  id: ids.toolCall,
  function: { name: fixture.toolCall.name, arguments: fixture.toolCall.arguments },
  index: 0,
};

export const textFrames = (): string[] => [
  sseData(roleChunk),
  ...fixture.textDeltas.map((delta) => sseData(textChunk(delta))),
  sseData(chunk({ content: "" }, "stop", fixture.usage)),
  sseDone,
];

export function mistralError(message: string, type: string, code: string | null): Json {
  return { object: "error", message, type, param: null, code };
}

export const mistralErrors = {
  badRequest: mistralError("Invalid model: mistral-smal-latest", "invalid_model", "1500"),
  contextLength: mistralError(
    "Prompt contains 33012 tokens and 0 draft tokens, too large for model with 32768 maximum context length",
    "invalid_request_error",
    null,
  ),
  auth: { message: "Unauthorized", request_id: "d0d5b1c4e7f24a7e8c5b9a1f3e2d4c6b" },
  rateLimit: mistralError("Requests rate limit exceeded", "rate_limited", "1300"),
  server: mistralError("Service unavailable.", "internal_server_error", "1000"),
} as const;

type Body = Record<string, unknown>;

/** Answers 422 when the request lacks what the scenario needs, so a mapping bug fails the test. */
function requires(check: (body: Body) => boolean, what: string, reply: () => HttpResponse<DefaultBodyType>) {
  return async ({ request }: { request: Request }) => {
    const body = (await request.json()) as Body;
    if (!check(body))
      return HttpResponse.json(mistralError(`test server expected ${what}`, "invalid_request_error", null), {
        status: 422,
      });
    return reply();
  };
}

const answer =
  (check: (body: Body) => boolean, what: string, reply: () => HttpResponse<DefaultBodyType>): Arrange =>
  () => [http.post(url, requires(check, what, reply))];
const stream =
  (frames: () => string[], check: (body: Body) => boolean = () => true): ArrangeStream =>
  (options) => [
    http.post(
      url,
      requires(
        (body) => body.stream === true && check(body),
        "stream: true",
        () =>
          sseResponse(frames(), {
            ...(options.chunkSize === undefined ? {} : { chunkSize: options.chunkSize }),
            headers: mistralHeaders,
          }),
      ),
    ),
  ];
const failure =
  (status: number, body: JsonBodyType, headers: Record<string, string> = {}): Arrange =>
  () => [
    http.post(url, () => HttpResponse.json(body, { status, headers: { ...mistralHeaders, ...headers } })),
  ];

const json = (body: Json) => HttpResponse.json(body, { headers: mistralHeaders });
const hasTools = (body: Body) => Array.isArray(body.tools) && body.tool_choice === "auto";

/** Every conformance scenario in Mistral's wire format. */
export const mistralScenarios: Pick<ConformanceSpec, "scenarios" | "httpErrors" | "streamFaults"> = {
  scenarios: {
    text: answer(
      (body) => body.max_tokens === fixture.maxTokens && body.model === model,
      "max_tokens and the model",
      () => json(completion({ content: fixture.text }, "stop")),
    ),
    stream: stream(textFrames),
    tools: answer(hasTools, "tools and tool_choice auto", () =>
      json(completion({ content: "", tool_calls: [toolCall] }, "tool_calls", fixture.toolUsage)),
    ),
    toolsStream: stream(
      () => [
        sseData(roleChunk),
        sseData(chunk({ tool_calls: [toolCall] }, "tool_calls", fixture.toolUsage)),
        sseDone,
      ],
      hasTools,
    ),
    json: answer(
      (body) => (body.response_format as Body | undefined)?.type === "json_schema",
      "a json_schema response format",
      () => json(completion({ content: JSON.stringify(fixture.json) }, "stop")),
    ),
  },
  httpErrors: {
    badRequest: failure(400, mistralErrors.badRequest),
    contextLength: failure(400, mistralErrors.contextLength),
    auth: failure(401, mistralErrors.auth),
    rateLimit: failure(429, mistralErrors.rateLimit, { "retry-after": String(fixture.retryAfterSeconds) }),
    server: failure(500, mistralErrors.server),
    credentialEcho: () => [
      http.post(url, ({ request }) =>
        HttpResponse.json(
          { message: `Unauthorized: ${request.headers.get("authorization")}`, request_id: "9a8b7c6d5e4f" },
          { status: 401, headers: mistralHeaders },
        ),
      ),
    ],
    extra: [
      {
        name: "a 503 to a retryable server error",
        arrange: failure(503, mistralErrors.server),
        expected: { kind: "server", retryable: true, status: 503 },
      },
      {
        name: "an unknown model (404) to not_found",
        arrange: failure(404, { detail: "Not Found" }),
        expected: { kind: "not_found", retryable: false, status: 404 },
      },
    ],
  },
  streamFaults: {
    truncated: stream(() => [
      sseData(roleChunk),
      ...fixture.textDeltas.slice(0, 2).map((delta) => sseData(textChunk(delta))),
    ]),
    malformedJson: stream(() => [
      sseData(roleChunk),
      sseData(textChunk("Hello")),
      sseRaw(
        `{"id":"${ids.completion}","object":"chat.completion.chunk","choices":[{"delta":{"content":", w`,
      ),
      ...textFrames().slice(2),
    ]),
    keepAlive: stream(() => textFrames().flatMap((frame) => [sseComment(), frame])),
    stall: (options) => [
      http.post(url, ({ request }) =>
        sseResponse([sseData(roleChunk), sseData(textChunk("Hello"))], {
          ...(options.chunkSize === undefined ? {} : { chunkSize: options.chunkSize }),
          headers: mistralHeaders,
          hang: true,
          signal: request.signal,
        }),
      ),
    ],
  },
};
