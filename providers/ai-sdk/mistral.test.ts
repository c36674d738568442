import { createMistral } from "@ai-sdk/mistral";
import { conformanceFixture, runConformanceSuite } from "../../test/conformance/index.js";
import { createAiSdkProvider } from "./ai-sdk-provider.js";
import type { AiSdkProviderFactory } from "./ai-sdk-types.js";
import { mistralBaseURL, mistralScenarios } from "./test/mistral-wire.js";

runConformanceSuite({
  name: "ai-sdk (@ai-sdk/mistral)",
  providerId: "mistral",
  factory: {
    type: "ai-sdk",
    create: (id, config, context) =>
      createAiSdkProvider(id, "ai-sdk", config as never, createMistral as AiSdkProviderFactory, context),
  },
  config: { type: "ai-sdk", options: { apiKey: conformanceFixture.canaryKey }, baseURL: mistralBaseURL },
  model: "mistral-small-latest",
  features: { streaming: true, tools: true, jsonSchema: true, logprobs: false, requestId: false },
  ...mistralScenarios,
});
