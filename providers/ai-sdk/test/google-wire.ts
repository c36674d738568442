import { HttpResponse, http } from "msw";
import { sseData } from "../../../test/support/sse-frames.js";
import { sseResponse } from "../../../test/support/sse-response.js";

/**
 * Gemini's generateContent wire format, shaped like recorded responses of gemini-2.0-flash
 * (`usageMetadata` with per-modality details, `modelVersion`, `responseId`).
 */
export const googleBaseURL = "https://generativelanguage.googleapis.test/v1beta";
export const googleModel = "gemini-2.0-flash";

type Json = Record<string, unknown>;

export function googleUsage(input: number, output: number): Json {
  return {
    promptTokenCount: input,
    candidatesTokenCount: output,
    totalTokenCount: input + output,
    promptTokensDetails: [{ modality: "TEXT", tokenCount: input }],
    candidatesTokensDetails: [{ modality: "TEXT", tokenCount: output }],
  };
}

export function googleAnswer(parts: Json[], usage: Json, finishReason = "STOP"): Json {
  return {
    candidates: [{ content: { parts, role: "model" }, finishReason, avgLogprobs: -0.0421 }],
    usageMetadata: usage,
    modelVersion: googleModel,
    responseId: "K9vSaPqLJsvZz7IPq4-3mAk",
  };
}

/** What the test server saw: each request's URL, API key header and body. */
export interface GoogleCall {
  url: string;
  apiKey: string | null;
  body: Json;
}

/** The URL of one method of the model (msw would read `:method` as a path parameter). */
const endpoint = (method: string) =>
  new RegExp(
    `^${googleBaseURL.replaceAll(".", "\\.")}/models/${googleModel.replaceAll(".", "\\.")}:${method}(\\?|$)`,
  );

export function googleHandlers(
  calls: GoogleCall[],
  reply: { generate?: () => Response; stream?: () => Response },
) {
  const record = async (request: Request) => {
    calls.push({
      url: request.url,
      apiKey: request.headers.get("x-goog-api-key"),
      body: (await request.json()) as Json,
    });
  };
  return [
    http.post(endpoint("generateContent"), async ({ request }) => {
      await record(request);
      if (!reply.generate) throw new Error("no generateContent reply scripted");
      return reply.generate();
    }),
    http.post(endpoint("streamGenerateContent"), async ({ request }) => {
      await record(request);
      if (!reply.stream) throw new Error("no streamGenerateContent reply scripted");
      return reply.stream();
    }),
  ];
}

/** Gemini streams whole candidates, one `data:` frame each; the last carries the finish reason. */
export function googleStream(texts: readonly string[], usage: Json): Response {
  return sseResponse(
    texts.map((text, index) =>
      sseData(
        index === texts.length - 1
          ? googleAnswer([{ text }], usage)
          : {
              candidates: [{ content: { parts: [{ text }], role: "model" } }],
              usageMetadata: usage,
              modelVersion: googleModel,
            },
      ),
    ),
  );
}

export const googleErrors = {
  notFound: {
    error: {
      code: 404,
      message:
        "models/gemini-2.0-flash is not found for API version v1beta, or is not supported for generateContent.",
      status: "NOT_FOUND",
    },
  },
  rateLimit: {
    error: {
      code: 429,
      message: "Resource has been exhausted (e.g. check quota).",
      status: "RESOURCE_EXHAUSTED",
    },
  },
} as const;

export const googleError = (status: number, body: Json, headers: Record<string, string> = {}) =>
  HttpResponse.json(body, { status, headers });
