import type { ServerResponse } from "node:http";
import {
  bearerToken,
  type ReceivedRequest,
  sendEventStream,
  sendJson,
  type WireHandler,
} from "./loopback-server.js";
import type { ScriptedAnswer, WireFailure, WireScript } from "./wire-script.js";

const version = "5a6809ca6288247d06daf6365557e5e429063f32a21146b2a807c682652136b8";

type Status = "starting" | "processing" | "succeeded" | "canceled";

interface Prediction {
  id: string;
  model: string;
  input: unknown;
  status: Status;
  polls: number;
  createdAt: string;
}

interface CreateBody {
  version?: string;
  input?: unknown;
}

/**
 * Replicate's predictions API: `POST /v1/models/{owner}/{name}/predictions` (or `/v1/predictions`
 * with a version) answers 201 with a starting prediction whose `urls.stream` points back at this
 * server; `GET /v1/predictions/{id}` reports `processing` once, then the finished prediction with
 * its output tokens and metrics; the stream sends `event: output` per token and `event: done`.
 */
export function replicateWireServer(script: WireScript): WireHandler {
  const predictions = new Map<string, Prediction>();
  return async (request, response, origin) => {
    const streamMatch = /^\/stream\/([a-z0-9]+)$/.exec(request.path);
    if (request.method === "GET" && streamMatch?.[1]) {
      const prediction = predictions.get(streamMatch[1]);
      if (!prediction) return sendError(response, problem(404, "Not found", "The stream does not exist"));
      // The stream URL is the prediction's capability: no credential is sent or needed.
      await sendEventStream(response, streamFrames(prediction, script.answer));
      prediction.status = "succeeded";
      return;
    }
    const token = bearerToken(request.headers);
    if (token !== script.apiKey) {
      // The real API says only "Invalid token."; this canary echoes the token to prove redaction.
      return sendError(response, problem(401, "Unauthenticated", `Invalid token: ${String(token)}`));
    }
    const create = createModel(request);
    if (create !== undefined) {
      if (script.failure) return sendError(response, script.failure);
      const body = JSON.parse(request.body) as CreateBody;
      const prediction: Prediction = {
        id: `ufawqhfynnddngldkgtsll${String(predictions.size).padStart(4, "0")}`,
        model: create ?? "replicate/versioned-model",
        input: body.input,
        status: "starting",
        polls: 0,
        createdAt: new Date().toISOString(),
      };
      predictions.set(prediction.id, prediction);
      return sendJson(response, 201, wirePrediction(prediction, origin, script.answer));
    }
    const getMatch = /^\/v1\/predictions\/([a-z0-9]+)(\/cancel)?$/.exec(request.path);
    const prediction = getMatch?.[1] ? predictions.get(getMatch[1]) : undefined;
    if (!prediction) return sendError(response, problem(404, "Not found", `${request.path} does not exist`));
    if (request.method === "POST" && getMatch?.[2]) {
      prediction.status = "canceled";
    } else if (request.method === "GET" && prediction.status !== "succeeded") {
      prediction.status = prediction.polls++ === 0 ? "processing" : "succeeded";
    }
    return sendJson(response, 200, wirePrediction(prediction, origin, script.answer));
  };
}

/** The model of a create request (null for `/v1/predictions` with a version), else undefined. */
function createModel(request: ReceivedRequest): string | null | undefined {
  if (request.method !== "POST") return undefined;
  if (request.path === "/v1/predictions") return null;
  return /^\/v1\/models\/([\w.-]+\/[\w.-]+)\/predictions$/.exec(request.path)?.[1];
}

function sendError(response: ServerResponse, failure: WireFailure): void {
  sendJson(response, failure.status, failure.body, {
    "content-type": "application/problem+json",
    ...failure.headers,
  });
}

/** Replicate's RFC 7807 problem details. */
function problem(status: number, title: string, detail: string): WireFailure {
  return { status, body: { title, detail, status } };
}

/** A 429 as Replicate throttles prediction creation. */
export function replicateRateLimited(): WireFailure {
  return {
    status: 429,
    headers: { "retry-after": "0" },
    body: {
      title: "Request was throttled.",
      detail: "Request was throttled. Expected available in 0 seconds.",
      status: 429,
    },
  };
}

function wirePrediction(prediction: Prediction, origin: string, answer: ScriptedAnswer) {
  const done = prediction.status === "succeeded" || prediction.status === "canceled";
  const succeeded = prediction.status === "succeeded";
  return {
    id: prediction.id,
    model: prediction.model,
    version,
    input: prediction.input,
    logs: succeeded ? "Random seed used: `54071`\n" : "",
    output: succeeded ? [...answer.deltas] : prediction.status === "processing" ? [] : null,
    data_removed: false,
    error: null,
    status: prediction.status,
    created_at: prediction.createdAt,
    ...(prediction.status === "starting" ? {} : { started_at: prediction.createdAt }),
    ...(done ? { completed_at: new Date().toISOString() } : {}),
    ...(succeeded
      ? {
          metrics: {
            batch_size: 1,
            input_token_count: answer.inputTokens,
            output_token_count: answer.outputTokens,
            predict_time: 0.311,
            time_to_first_token: 0.048,
            tokens_per_second: 64.2,
            total_time: 0.475,
          },
        }
      : {}),
    urls: {
      cancel: `${origin}/v1/predictions/${prediction.id}/cancel`,
      get: `${origin}/v1/predictions/${prediction.id}`,
      stream: `${origin}/stream/${prediction.id}`,
      web: `https://replicate.com/p/${prediction.id}`,
    },
  };
}

function streamFrames(prediction: Prediction, answer: ScriptedAnswer): string[] {
  const outputs = answer.deltas.map((text, index) => {
    const data = text
      .split("\n")
      .map((line) => `data: ${line}`)
      .join("\n");
    return `event: output\nid: 1732818992:${index}\n${data}\n\n`;
  });
  return [...outputs, `event: done\nid: ${prediction.id}:done\ndata: {}\n\n`];
}
