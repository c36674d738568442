import { z } from "zod";
import { baseURLField, providerConfigFields, secretField } from "../shared/provider-config-fields.js";

/** `providers.<id>` entries of `type: openai`. */
export const openaiConfigSchema = z
  .object({
    type: z.literal("openai").describe("Provider kind."),
    apiKey: secretField("OpenAI API key"),
    baseURL: baseURLField.optional(),
    organization: z.string().min(1).optional().describe("OpenAI organization id."),
    project: z.string().min(1).optional().describe("OpenAI project id."),
    ...providerConfigFields,
  })
  .strict()
  .describe("OpenAI (or an OpenAI-hosted proxy such as Azure OpenAI).");

export type OpenAIProviderConfig = z.output<typeof openaiConfigSchema>;
