import { z } from "zod";
import type { GenerateResult, ProviderFactory } from "../../../index.js";

const echoSchema = z.object({ type: z.literal("echo") }).strict();

/**
 * A `type: echo` provider that answers every call with its model's name, so a test sees which
 * target a route picked without any HTTP.
 */
export function echoFactory(): ProviderFactory<z.output<typeof echoSchema>> {
  return {
    type: "echo",
    configSchema: echoSchema,
    capabilities: { local: true },
    create: (id) => ({
      id,
      type: "echo",
      local: true,
      languageModel: (model) => ({
        provider: id,
        model,
        capabilities: { contextWindow: 100_000 },
        async doGenerate(): Promise<GenerateResult> {
          return {
            text: model,
            toolCalls: [],
            finishReason: "stop",
            usage: { inputTokens: 1, outputTokens: 1 },
            warnings: [],
          };
        },
        doStream: () => Promise.reject(new Error("echo does not stream")),
      }),
    }),
  };
}
