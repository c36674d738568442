import { z } from "zod";

/**
 * The parts of a Replicate prediction the adapter reads (the API sends more: `input`, `logs`,
 * `created_at`, `data_removed`, …). Statuses are kept open: a new one reads as still running.
 */
export const replicatePredictionSchema = z.looseObject({
  id: z.string().min(1),
  status: z.string(),
  output: z.unknown().optional(),
  error: z.unknown().optional(),
  metrics: z
    .looseObject({
      input_token_count: z.number().int().nonnegative().optional(),
      output_token_count: z.number().int().nonnegative().optional(),
    })
    .nullish(),
  urls: z.looseObject({ stream: z.string().url().optional() }).partial().nullish(),
});

export type ReplicatePrediction = z.infer<typeof replicatePredictionSchema>;

export const terminalStatuses: ReadonlySet<string> = new Set(["succeeded", "failed", "canceled", "aborted"]);

/** Language models return their output as an array of tokens; some return one string. */
export function predictionText(output: unknown): string {
  if (typeof output === "string") return output;
  if (Array.isArray(output)) return output.filter((item) => typeof item === "string").join("");
  return "";
}

/** `error` is usually a string; some models put an object there. */
export function predictionErrorText(error: unknown): string {
  if (error === undefined || error === null) return "";
  return typeof error === "string" ? error : JSON.stringify(error);
}
