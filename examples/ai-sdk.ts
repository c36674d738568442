/**
 * The Vercel AI SDK in both directions: the router's targets include Mistral through its AI SDK
 * package (`type: ai-sdk` in examples/ai-sdk.yaml), and the router's routes are AI SDK models for
 * `generateText`, `streamText`, tool loops, structured output, and `embed`/`embedMany` (over
 * Mistral's embedding model, a target too). The test runs this file against
 * a loopback Mistral.
 *
 *   MISTRAL_API_KEY=… node dist/examples/ai-sdk.js
 */

import { fileURLToPath } from "node:url";
import { embed, embedMany, generateText, Output, stepCountIs, streamText, tool } from "ai";
import { z } from "zod";
import { createRouter, type Environment } from "../index.js";
import { createSwitchyard } from "../src/ai-sdk/index.js"; // in an application: "switchyard-ai/ai-sdk"

export interface AiSdkExampleResult {
  text: string;
  /** From `providerMetadata.switchyard`: the target that answered and what the call cost. */
  target: unknown;
  costUsd: unknown;
  streamed: string;
  toolAnswer: string;
  steps: number;
  output: { city: string; temperatureC: number };
  /** `embed`'s vector, `embedMany`'s count, and what the embedding cost (`providerMetadata.switchyard`). */
  embedding: number[];
  embeddings: number;
  embeddingCostUsd: unknown;
}

export async function runAiSdkExample(
  policy: string,
  env: Environment = process.env,
): Promise<AiSdkExampleResult> {
  const router = await createRouter({ policy, env });
  const switchyard = createSwitchyard({ router });
  try {
    // The router retries and falls back: the AI SDK's own retries would repeat all of it.
    const { text, providerMetadata } = await generateText({
      model: switchyard("default"),
      prompt: "Say hello.",
      maxRetries: 0,
    });
    const trace = providerMetadata?.switchyard; // callId, target, model, costUsd, route (the trace)

    const stream = streamText({ model: switchyard("default"), prompt: "Count to three.", maxRetries: 0 });
    let streamed = "";
    for await (const delta of stream.textStream) streamed += delta;

    const weather = await generateText({
      model: switchyard("default"),
      prompt: "What is the weather in Paris?",
      tools: {
        getWeather: tool({
          description: "Current weather for a city.",
          inputSchema: z.object({ city: z.string() }),
          execute: async ({ city }) => ({ city, temperatureC: 21 }),
        }),
      },
      stopWhen: stepCountIs(3), // call the tool, then answer with its result
      maxRetries: 0,
    });

    const { output } = await generateText({
      model: switchyard("default"),
      output: Output.object({ schema: z.object({ city: z.string(), temperatureC: z.number() }) }),
      prompt: "The weather in Paris as JSON.",
      maxRetries: 0,
    });

    // A route of embedding targets is an embedding model too: the router batches, retries and falls back.
    const embeddingModel = switchyard.embeddingModel("embeddings");
    const { embedding, providerMetadata: embedMetadata } = await embed({
      model: embeddingModel,
      value: "sunny day at the beach",
      maxRetries: 0,
    });
    const { embeddings } = await embedMany({
      model: embeddingModel,
      values: ["sunny day at the beach", "rainy afternoon in the city"],
      maxRetries: 0,
    });

    return {
      text,
      target: trace?.target,
      costUsd: trace?.costUsd,
      streamed,
      toolAnswer: weather.text,
      steps: weather.steps.length,
      output,
      embedding,
      embeddings: embeddings.length,
      embeddingCostUsd: embedMetadata?.switchyard?.costUsd,
    };
  } finally {
    await router.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(await runAiSdkExample(fileURLToPath(new URL("../../examples/ai-sdk.yaml", import.meta.url))));
}
