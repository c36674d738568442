import { z } from "zod";
import type { ProviderStreamPart } from "../../src/core/index.js";
import { createProviderCallError } from "../shared/index.js";
import { cancelPrediction } from "./cancel-prediction.js";
import { finishReasonFor } from "./finish-reason-for.js";
import { mapReplicateError, predictionFailure, type ReplicateErrorContext } from "./map-replicate-error.js";
import type { ParsedEvent } from "./read-server-sent-events.js";
import {
  predictionErrorText,
  type ReplicatePrediction,
  replicatePredictionSchema,
} from "./replicate-prediction.js";
import { estimatedUsageWarning, replicateUsage } from "./replicate-usage.js";
import type { SingleShotReplicate } from "./single-shot-replicate.js";

export interface ReplicateStreamContext {
  client: SingleShotReplicate;
  predictionId: string;
  events: ReadableStreamDefaultReader<ParsedEvent>;
  promptText: string;
  maxTokens: number;
  /** The StreamResult's warnings: an estimated usage is noted here when the stream ends. */
  warnings: string[];
  errors: ReplicateErrorContext;
}

/** `done` carries `{}` on success, or `{"reason":"canceled"|"error"}`. */
const doneSchema = z.looseObject({ reason: z.string().optional() });
/** `error` carries `{"detail": "…"}`. */
const errorSchema = z.looseObject({ detail: z.string().optional() });

/**
 * A prediction's SSE stream → stream parts: `output` events are raw text; `done` ends the
 * stream; `error` fails it; other events are skipped. The body ending before `done` is a
 * truncation. Unless the prediction is known to have ended, leaving early cancels it.
 */
export async function* replicateStreamParts(
  context: ReplicateStreamContext,
): AsyncGenerator<ProviderStreamPart> {
  const { client, predictionId, events, errors } = context;
  let text = "";
  let ended = false;
  try {
    for (;;) {
      const { value: event, done: bodyEnded } = await events.read();
      if (bodyEnded) break;
      if (event.event === "output") {
        if (event.data.length === 0) continue;
        text += event.data;
        yield { type: "text-delta", text: event.data };
      } else if (event.event === "error") {
        ended = true;
        const detail = errorSchema.safeParse(parseJson(event.data));
        throw predictionFailure(
          { status: "failed", error: (detail.success && detail.data.detail) || event.data },
          errors,
          predictionId,
        );
      } else if (event.event === "done") {
        ended = true;
        const reason = doneSchema.parse(JSON.parse(event.data)).reason;
        const prediction = await finalPrediction(client, predictionId, errors.signal);
        if (reason === "canceled" || reason === "error") {
          const status = reason === "canceled" ? "canceled" : "failed";
          throw predictionFailure(
            { status, error: predictionErrorText(prediction?.error) },
            errors,
            predictionId,
          );
        }
        const { usage, estimated } = replicateUsage(prediction, context.promptText, text);
        if (estimated) context.warnings.push(estimatedUsageWarning);
        yield {
          type: "finish",
          finishReason: finishReasonFor(usage, estimated, context.maxTokens),
          usage,
          requestId: predictionId,
        };
        return;
      }
    }
  } catch (error) {
    throw mapReplicateError(error, errors, { possiblyBilled: true, predictionId });
  } finally {
    // Not awaited: the body may never settle a cancel (a stalled upstream), and nothing is read after this.
    events.cancel().catch(() => {});
    if (!ended) await cancelPrediction(client, predictionId);
  }
  const { provider, model, redact, signal } = errors;
  throw createProviderCallError({
    provider,
    model,
    redact,
    requestId: predictionId,
    possiblyBilled: true,
    ...(signal.aborted
      ? { kind: "aborted", retryable: false, detail: "the call was aborted while streaming" }
      : { kind: "truncated", retryable: true, detail: "the stream ended before its done event" }),
  });
}

/** The finished prediction, for its metrics; a failure to fetch it only costs exact usage. */
async function finalPrediction(
  client: SingleShotReplicate,
  predictionId: string,
  signal: AbortSignal,
): Promise<ReplicatePrediction | undefined> {
  try {
    return replicatePredictionSchema.parse(await client.predictions.get(predictionId, { signal }));
  } catch (error) {
    if (signal.aborted) throw error;
    return undefined;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
