import type { SingleShotReplicate } from "./single-shot-replicate.js";

/** How long a best-effort cancel may delay the error it accompanies. */
const cancelTimeoutMs = 2_000;

/**
 * Cancels a prediction nobody will read any more (aborted, broken stream), so it stops running
 * and billing. Best effort: it has its own short timeout, since the call's signal may already be
 * aborted, and its failure changes nothing for the caller.
 */
export async function cancelPrediction(client: SingleShotReplicate, predictionId: string): Promise<void> {
  try {
    await client.predictions.cancel(predictionId, { signal: AbortSignal.timeout(cancelTimeoutMs) });
  } catch {
    // The prediction may have finished meanwhile, or the API is unreachable: nothing to do.
  }
}
