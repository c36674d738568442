import { z } from "zod";
import { baseURLField, providerConfigFields, secretField } from "../shared/provider-config-fields.js";

/** Known OpenAI-compatible hosts; each has a list of request parameters it drops. */
export const openaiCompatibleHostNames = [
  "together",
  "groq",
  "fireworks",
  "vllm",
  "ollama",
  "llamacpp",
  "generic",
] as const;

export type OpenAICompatibleHost = (typeof openaiCompatibleHostNames)[number];

/** `providers.<id>` entries of `type: openai-compatible`. */
export const openaiCompatibleConfigSchema = z
  .object({
    type: z.literal("openai-compatible").describe("Provider kind."),
    baseURL: baseURLField,
    apiKey: secretField("API key of the host").optional(),
    host: z
      .enum(openaiCompatibleHostNames)
      .optional()
      .describe('Which host this is; each drops a known list of request parameters. Default "generic".'),
    dropParams: z
      .array(z.string().min(1))
      .optional()
      .describe("Extra request parameters this host rejects, on top of the host's built-in list."),
    maxEmbeddingInputs: z
      .number()
      .int()
      .min(1)
      .max(2048)
      .optional()
      .describe("Most inputs one embeddings request may carry; larger inputs are split. Default 2048."),
    ...providerConfigFields,
  })
  .strict()
  .describe("Any OpenAI-compatible server: Together, Groq, Fireworks, vLLM, Ollama, llama.cpp server.");

export type OpenAICompatibleProviderConfig = z.output<typeof openaiCompatibleConfigSchema>;
