import { http } from "msw";
import { type ConformanceSpec, conformanceFixture as fixture } from "../../../test/conformance/index.js";
import { replicateAdapter } from "../replicate-provider.js";
import {
  baseURL,
  createURL,
  doneEvent,
  errorEvent,
  json,
  keepAliveFrames,
  model,
  outputEvent,
  prediction,
  predictionLifecycle,
  problem,
  streamingLifecycle,
  succeeded,
  textStreamFrames,
} from "./replicate-wire.js";

const failCreate = (
  status: number,
  body: ReturnType<typeof problem>,
  headers: Record<string, string> = {},
) => [http.post(createURL, () => json(body, status, headers))];

/**
 * The Replicate adapter under the shared conformance suite. Replicate has no request-id header,
 * no tools, no JSON mode and no log-probs; its results carry the prediction id as request id.
 */
export const replicateConformanceSpec: ConformanceSpec = {
  name: "replicate",
  factory: replicateAdapter,
  config: { type: "replicate", apiToken: fixture.canaryKey, baseURL },
  model,
  features: { streaming: true, tools: false, jsonSchema: false, logprobs: false, requestId: false },
  scenarios: {
    text: () => predictionLifecycle(prediction("starting"), [prediction("processing"), succeeded]),
    stream: ({ chunkSize }) => streamingLifecycle(textStreamFrames(), { chunkSize }),
  },
  httpErrors: {
    badRequest: () =>
      failCreate(400, problem(400, "Bad request", "The request body could not be parsed as JSON.")),
    // Replicate reports most over-long prompts as failed predictions (see the adapter's own tests);
    // the suite's 400 shape is what a prompt rejected at creation looks like.
    contextLength: () =>
      failCreate(
        400,
        problem(400, "Invalid input", "Prompt length (9120) exceeds maximum input length (8192)."),
      ),
    auth: () =>
      failCreate(401, problem(401, "Unauthenticated", "You did not pass a valid authentication token")),
    rateLimit: () =>
      failCreate(
        429,
        problem(429, "Request was throttled.", "Request was throttled. Expected available in 2 seconds."),
        { "retry-after": String(fixture.retryAfterSeconds) },
      ),
    quota: () =>
      failCreate(
        402,
        problem(
          402,
          "Insufficient credit",
          "You have insufficient credit to run this model. Go to https://replicate.com/account/billing#billing to purchase credit. Once you purchase credit, please wait a few minutes before trying again.",
        ),
      ),
    server: () => failCreate(500, problem(500, "Internal Server Error", "An unexpected error occurred.")),
    credentialEcho: () => [
      http.post(createURL, ({ request }) =>
        json(
          problem(401, "Unauthenticated", `Invalid token in header: ${request.headers.get("authorization")}`),
          401,
        ),
      ),
    ],
    extra: [
      {
        name: "a 422 input validation error to bad_request, not retryable",
        arrange: () => [
          http.post(createURL, () =>
            json(
              {
                ...problem(
                  422,
                  "Input validation failed",
                  "- input.max_tokens: Must be greater than or equal to 1\n",
                ),
                invalid_fields: [
                  {
                    type: "greater_than_equal",
                    field: "input.max_tokens",
                    description: "Must be greater than or equal to 1",
                  },
                ],
              },
              422,
            ),
          ),
        ],
        expected: { kind: "bad_request", retryable: false, status: 422 },
      },
      {
        name: "a 404 for an unknown model to not_found",
        arrange: () =>
          failCreate(404, problem(404, "Not found", "The requested resource could not be found.")),
        expected: { kind: "not_found", retryable: false, status: 404 },
      },
      {
        name: "a 503 to a retryable server error",
        arrange: () =>
          failCreate(503, problem(503, "Service Unavailable", "Service is temporarily unavailable.")),
        expected: { kind: "server", retryable: true, status: 503 },
      },
    ],
  },
  streamFaults: {
    truncated: ({ chunkSize }) =>
      streamingLifecycle([outputEvent(0, "Hello"), outputEvent(1, ", wörld")], { chunkSize }),
    malformedJson: ({ chunkSize }) =>
      streamingLifecycle([outputEvent(0, "Hello"), 'event: done\ndata: {"reason":\n\n'], { chunkSize }),
    keepAlive: ({ chunkSize }) => streamingLifecycle(keepAliveFrames(), { chunkSize }),
    errorEvent: ({ chunkSize }) =>
      streamingLifecycle(
        [outputEvent(0, "Hello"), errorEvent("CUDA error: out of memory"), doneEvent({ reason: "error" })],
        { chunkSize },
        prediction("failed", { error: "CUDA error: out of memory" }),
      ),
    stall: () => streamingLifecycle([outputEvent(0, "Hello")], { hang: true }),
  },
};
