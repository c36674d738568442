import { z } from "zod";
import { baseURLField, providerConfigFields, secretField } from "../shared/provider-config-fields.js";

/** `providers.<id>` entries of `type: replicate`. */
export const replicateConfigSchema = z
  .object({
    type: z.literal("replicate").describe("Provider kind."),
    apiToken: secretField("Replicate API token"),
    baseURL: baseURLField.optional(),
    ...providerConfigFields,
  })
  .strict()
  .describe("Replicate, for hosted open models.");

export type ReplicateProviderConfig = z.output<typeof replicateConfigSchema>;
