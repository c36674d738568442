import { setTimeout as sleep } from "node:timers/promises";
import {
  type ReplicatePrediction,
  replicatePredictionSchema,
  terminalStatuses,
} from "./replicate-prediction.js";
import type { SingleShotReplicate } from "./single-shot-replicate.js";

export interface PollSchedule {
  /** Wait before the first poll, in ms. @default 100 */
  firstDelayMs: number;
  /** Longest wait between polls, in ms; waits double up to it. @default 1000 */
  maxDelayMs: number;
}

export const defaultPollSchedule: PollSchedule = { firstDelayMs: 100, maxDelayMs: 1_000 };

/**
 * Polls `predictions.get` until the prediction is succeeded, failed, canceled or aborted.
 * The signal ends the wait at once (an AbortError from the sleep or the request).
 */
export async function waitForPrediction(
  client: SingleShotReplicate,
  prediction: ReplicatePrediction,
  signal: AbortSignal,
  schedule: PollSchedule = defaultPollSchedule,
): Promise<ReplicatePrediction> {
  let current = prediction;
  let delay = schedule.firstDelayMs;
  while (!terminalStatuses.has(current.status)) {
    await sleep(delay, undefined, { signal });
    current = replicatePredictionSchema.parse(await client.predictions.get(current.id, { signal }));
    delay = Math.min(delay * 2, schedule.maxDelayMs);
  }
  return current;
}
