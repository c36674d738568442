import { HttpResponse, http, type JsonBodyType } from "msw";
import { conformanceFixture as fixture } from "../../../test/conformance/index.js";
import { sseComment } from "../../../test/support/sse-frames.js";
import { type SseResponseOptions, sseResponse } from "../../../test/support/sse-response.js";

/**
 * Replicate API payloads as the API sends them (shapes copied from real predictions, values from
 * the conformance fixture).
 */
export const baseURL = "https://replicate.conformance.test/v1";
export const model = "meta/meta-llama-3-8b-instruct";
export const predictionId = "ufawqhfynnddngldkgtslldrkq";
export const createURL = `${baseURL}/models/${model}/predictions`;
export const getURL = `${baseURL}/predictions/${predictionId}`;
export const cancelURL = `${baseURL}/predictions/${predictionId}/cancel`;
export const streamURL =
  "https://stream.replicate.conformance.test/v1/files/bcwr-3okdfv3o2xmsimdxtpyp2pqm4cvmwrtiwaadzmrxomk5xo6plkxa";
const version = "5a6809ca6288247d06daf6365557e5e429063f32a21146b2a807c682652136b8";

export const apiHeaders = {
  "content-type": "application/json",
  "x-request-id": "0193f6d4-5c2e-7b7a-9d5e-6f3c8a2b1d40",
};

export type PredictionStatus = "starting" | "processing" | "succeeded" | "failed" | "canceled";

export function prediction(
  status: PredictionStatus,
  overrides: {
    output?: unknown;
    error?: unknown;
    metrics?: Record<string, number>;
    stream?: boolean;
    logs?: string;
  } = {},
) {
  const done = status === "succeeded" || status === "failed" || status === "canceled";
  return {
    id: predictionId,
    model,
    version,
    input: { prompt: "…", max_tokens: fixture.maxTokens, prompt_template: "{prompt}" },
    logs:
      overrides.logs ??
      (done
        ? "Random seed used: `54071`\nNote: Random seed will not impact output if greedy decoding is used.\n"
        : ""),
    output: overrides.output ?? null,
    data_removed: false,
    error: overrides.error ?? null,
    status,
    created_at: "2025-11-28T18:16:32.127Z",
    ...(status === "starting" ? {} : { started_at: "2025-11-28T18:16:32.291Z" }),
    ...(done ? { completed_at: "2025-11-28T18:16:32.602Z" } : {}),
    ...(overrides.metrics ? { metrics: overrides.metrics } : {}),
    urls: {
      cancel: cancelURL,
      get: getURL,
      ...(overrides.stream === false ? {} : { stream: streamURL }),
      web: `https://replicate.com/p/${predictionId}`,
    },
  };
}

/** Token counts as official language models report them, plus the timing figures they come with. */
export function metrics(usage: { inputTokens: number; outputTokens: number }) {
  return {
    batch_size: 1,
    input_token_count: usage.inputTokens,
    output_token_count: usage.outputTokens,
    predict_time: 0.311,
    predict_time_share: 0.311,
    time_to_first_token: 0.048,
    tokens_per_second: 64.2,
    total_time: 0.475,
  };
}

export const succeeded = prediction("succeeded", {
  output: [...fixture.textDeltas],
  metrics: metrics(fixture.usage),
});

export function json(body: JsonBodyType, status = 200, headers: Record<string, string> = {}) {
  return HttpResponse.json(body, { status, headers: { ...apiHeaders, ...headers } });
}

/** `POST …/predictions` answers `created` (201); each `GET` answers the next of `polls` (the last repeats). */
export function predictionLifecycle(created: unknown, polls: readonly unknown[]) {
  let poll = 0;
  return [
    http.post(createURL, () => json(created as JsonBodyType, 201)),
    http.get(getURL, () => json(polls[Math.min(poll++, polls.length - 1)] as JsonBodyType)),
    http.post(cancelURL, () => json(prediction("canceled"))),
  ];
}

/** `event: output` with Replicate's raw-text data; a multi-line chunk takes one `data:` line per line. */
export function outputEvent(index: number, text: string): string {
  const data = text
    .split("\n")
    .map((line) => `data: ${line}`)
    .join("\n");
  return `event: output\nid: 1732818992:${index}\n${data}\n\n`;
}

export function doneEvent(payload: Record<string, string> = {}): string {
  return `event: done\nid: 1732818992:99\ndata: ${JSON.stringify(payload)}\n\n`;
}

export function errorEvent(detail: string): string {
  return `event: error\nid: 1732818992:98\ndata: ${JSON.stringify({ detail })}\n\n`;
}

export function textStreamFrames(): string[] {
  return [...fixture.textDeltas.map((text, index) => outputEvent(index, text)), doneEvent()];
}

export function keepAliveFrames(): string[] {
  return textStreamFrames().flatMap((frame) => [sseComment(), frame]);
}

/** A streaming prediction: create, its SSE stream, then the finished prediction for the metrics. */
export function streamingLifecycle(
  frames: readonly string[],
  options: Omit<SseResponseOptions, "signal"> = {},
  finished: unknown = succeeded,
) {
  return [
    ...predictionLifecycle(prediction("starting"), [finished]),
    http.get(streamURL, ({ request }) =>
      sseResponse(frames, { ...options, ...(options.hang ? { signal: request.signal } : {}) }),
    ),
  ];
}

/** Replicate's RFC 7807 problem details. */
export function problem(status: number, title: string, detail: string) {
  return { title, detail, status };
}
