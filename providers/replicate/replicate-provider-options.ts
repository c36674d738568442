import { z } from "zod";
import { InvalidRequestError, type JsonValue } from "../../src/core/index.js";

const jsonValue: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([
    z.string(),
    z.number(),
    z.boolean(),
    z.null(),
    z.array(jsonValue),
    z.record(z.string(), jsonValue),
  ]),
);

/** `providerOptions.replicate`: what the normalized request cannot say. */
export const replicateProviderOptionsSchema = z.strictObject({
  /**
   * Extra model inputs (e.g. `top_k`, `presence_penalty`, `min_tokens`), merged over the ones
   * the adapter builds, so they also override them.
   */
  input: z.record(z.string().min(1), jsonValue).optional(),
});

export type ReplicateProviderOptions = z.infer<typeof replicateProviderOptionsSchema>;

/** Validates the caller's `providerOptions.replicate`; the error names the offending field. */
export function parseReplicateProviderOptions(input: unknown): ReplicateProviderOptions {
  const parsed = replicateProviderOptionsSchema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const [issue] = parsed.error.issues;
  const keys = issue?.code === "unrecognized_keys" ? issue.keys : [];
  const path = [...(issue?.path ?? []), ...keys.slice(0, 1)].map(String);
  throw new InvalidRequestError(
    ["providerOptions", "replicate", ...path].join("."),
    issue?.message ?? "invalid value",
  );
}
