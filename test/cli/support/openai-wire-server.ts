import type { ServerResponse } from "node:http";
import {
  bearerToken,
  dataFrame,
  type ReceivedRequest,
  sendEventStream,
  sendJson,
  type WireHandler,
} from "./loopback-server.js";
import { answerText, type ScriptedAnswer, type WireFailure, type WireScript } from "./wire-script.js";

/**
 * `openai`: OpenAI itself (ids, fingerprints, usage details as api.openai.com sends them);
 * `vllm`: vLLM's server (no fingerprint or service tier); `together`: Together's API, whose
 * log-probs are the integer top-k wire (`tokens`/`token_logprobs`, and per chunk a number).
 */
export type OpenAIWireFlavor = "openai" | "vllm" | "together";

interface ChatBody {
  model?: string;
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  logprobs?: boolean | number;
  top_logprobs?: number;
}

const created = 1741569952;
const completionId = "chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT";

/** POST /v1/chat/completions as the flavor's server speaks it: JSON, or SSE chunks ending in `[DONE]`. */
export function openaiWireServer(script: WireScript, flavor: OpenAIWireFlavor = "openai"): WireHandler {
  return async (request, response) => {
    if (request.method !== "POST" || request.path !== "/v1/chat/completions") {
      sendError(response, { status: 404, body: notFound(request) });
      return;
    }
    const key = bearerToken(request.headers);
    if (key !== script.apiKey) {
      sendError(response, { status: 401, body: invalidKey(key) });
      return;
    }
    if (script.failure) {
      sendError(response, script.failure);
      return;
    }
    const body = JSON.parse(request.body) as ChatBody;
    const model = body.model ?? "unknown";
    if (body.stream) {
      await sendEventStream(response, streamFrames(script.answer, model, body, flavor), {
        "x-request-id": "req_3c9a0e6f2d7b4a18",
      });
      return;
    }
    sendJson(response, 200, completion(script.answer, model, body, flavor), {
      "x-request-id": "req_3c9a0e6f2d7b4a18",
      "openai-processing-ms": "312",
    });
  };
}

function sendError(response: ServerResponse, failure: WireFailure): void {
  sendJson(response, failure.status, failure.body, {
    "x-request-id": "req_8d1f5b0c9e2a7d34",
    ...failure.headers,
  });
}

/** OpenAI's 401 masks the key; this canary body echoes it whole, as a misbehaving proxy would. */
function invalidKey(key: string | undefined) {
  return {
    error: {
      message: `Incorrect API key provided: ${key ?? "(none)"}. You can find your API key at https://platform.openai.com/account/api-keys.`,
      type: "invalid_request_error",
      param: null,
      code: "invalid_api_key",
    },
  };
}

function notFound(request: ReceivedRequest) {
  return {
    error: {
      message: `Unknown request URL: ${request.method} ${request.path}.`,
      type: "invalid_request_error",
      param: null,
      code: "unknown_url",
    },
  };
}

/** A 429 as OpenAI sends it when requests per minute run out. */
export function openaiRateLimited(): WireFailure {
  return {
    status: 429,
    headers: { "retry-after-ms": "20", "x-ratelimit-remaining-requests": "0" },
    body: {
      error: {
        message:
          "Rate limit reached for gpt-4o-mini in organization org-Xq3 on requests per min (RPM): Limit 500, Used 500, Requested 1. Please try again in 20ms.",
        type: "requests",
        param: null,
        code: "rate_limit_exceeded",
      },
    },
  };
}

function wireUsage(answer: ScriptedAnswer) {
  return {
    prompt_tokens: answer.inputTokens,
    completion_tokens: answer.outputTokens,
    total_tokens: answer.inputTokens + answer.outputTokens,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

/** A made-up but well-formed log-prob for the n-th token, with `k` alternatives. */
function tokenLogprob(token: string, index: number, k: number) {
  const logprob = -0.01 * (index + 1);
  const top = [{ token, logprob }];
  for (let rank = 1; rank < k; rank++) top.push({ token: `alt${rank}`, logprob: logprob - rank });
  return { token, logprob, top };
}

function openaiLogprobs(deltas: readonly string[], offset: number, k: number) {
  const bytes = (text: string) => [...new TextEncoder().encode(text)];
  return {
    content: deltas.map((delta, index) => {
      const entry = tokenLogprob(delta, offset + index, k);
      return {
        token: entry.token,
        logprob: entry.logprob,
        bytes: bytes(entry.token),
        top_logprobs: entry.top.map((top) => ({ ...top, bytes: bytes(top.token) })),
      };
    }),
    refusal: null,
  };
}

function togetherLogprobs(deltas: readonly string[], k: number) {
  const entries = deltas.map((delta, index) => tokenLogprob(delta, index, k));
  return {
    tokens: entries.map((entry) => entry.token),
    token_logprobs: entries.map((entry) => entry.logprob),
    top_logprobs: entries.map((entry) =>
      Object.fromEntries(entry.top.map((top) => [top.token, top.logprob])),
    ),
  };
}

function flavorFields(flavor: OpenAIWireFlavor) {
  return flavor === "openai" ? { service_tier: "default", system_fingerprint: "fp_06737a9306" } : {};
}

function completion(answer: ScriptedAnswer, model: string, body: ChatBody, flavor: OpenAIWireFlavor) {
  const k = body.top_logprobs ?? (typeof body.logprobs === "number" ? body.logprobs : 0);
  const logprobs =
    body.logprobs === undefined || body.logprobs === false
      ? null
      : flavor === "together"
        ? togetherLogprobs(answer.deltas, k)
        : openaiLogprobs(answer.deltas, 0, k);
  return {
    id: completionId,
    object: "chat.completion",
    created,
    model,
    choices: [
      {
        index: 0,
        message: { role: "assistant", content: answerText(answer), refusal: null, annotations: [] },
        logprobs,
        finish_reason: "stop",
      },
    ],
    usage: wireUsage(answer),
    ...flavorFields(flavor),
  };
}

function streamFrames(answer: ScriptedAnswer, model: string, body: ChatBody, flavor: OpenAIWireFlavor) {
  const chunk = (choice: Record<string, unknown> | undefined, usage: unknown = null) => ({
    id: completionId,
    object: "chat.completion.chunk",
    created,
    model,
    ...flavorFields(flavor),
    choices: choice === undefined ? [] : [{ index: 0, logprobs: null, finish_reason: null, ...choice }],
    ...(body.stream_options?.include_usage ? { usage } : {}),
  });
  const k = body.top_logprobs ?? (typeof body.logprobs === "number" ? body.logprobs : 0);
  const withLogprobs = body.logprobs !== undefined && body.logprobs !== false;
  const textChunk = (delta: string, index: number) => {
    if (!withLogprobs) return chunk({ delta: { content: delta } });
    if (flavor === "together") {
      const entry = tokenLogprob(delta, index, k);
      return chunk({
        delta: { content: delta },
        logprobs: entry.logprob,
        top_logprobs: Object.fromEntries(entry.top.map((top) => [top.token, top.logprob])),
      });
    }
    return chunk({ delta: { content: delta }, logprobs: openaiLogprobs([delta], index, k) });
  };
  return [
    dataFrame(chunk({ delta: { role: "assistant", content: "", refusal: null } })),
    ...answer.deltas.map((delta, index) => dataFrame(textChunk(delta, index))),
    dataFrame(chunk({ delta: {}, finish_reason: "stop" })),
    ...(body.stream_options?.include_usage ? [dataFrame(chunk(undefined, wireUsage(answer)))] : []),
    "data: [DONE]\n\n",
  ];
}
