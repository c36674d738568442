import { z } from "zod";
import { baseURLField, providerConfigFields, secretField } from "../shared/provider-config-fields.js";

/** `providers.<id>` entries of `type: anthropic`. */
export const anthropicConfigSchema = z
  .object({
    type: z.literal("anthropic").describe("Provider kind."),
    apiKey: secretField("Anthropic API key"),
    baseURL: baseURLField.optional(),
    ...providerConfigFields,
  })
  .strict()
  .describe("Anthropic Messages API.");

export type AnthropicProviderConfig = z.output<typeof anthropicConfigSchema>;
