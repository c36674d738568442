import { beforeAll, describe } from "vitest";
import { conformanceFixture, runConformanceSuite } from "../../test/conformance/index.js";
import { createAiSdkProvider } from "./ai-sdk-provider.js";
import type { AiSdkProviderFactory } from "./ai-sdk-types.js";
import { mistralBaseURL, mistralScenarios } from "./test/mistral-wire.js";

const nodeMajor = Number(process.versions.node.split(".")[0]);

/** The same suite over `@ai-sdk/mistral` 4 (specification v4 models), which needs Node ≥ 22. */
describe.skipIf(nodeMajor < 22)("@ai-sdk/mistral 4 (Node ≥ 22)", () => {
  let createMistral: AiSdkProviderFactory;
  beforeAll(async () => {
    ({ createMistral } = (await import("@ai-sdk/mistral4")) as unknown as {
      createMistral: AiSdkProviderFactory;
    });
  });

  runConformanceSuite({
    name: "ai-sdk (@ai-sdk/mistral 4, specification v4)",
    providerId: "mistral",
    factory: {
      type: "ai-sdk",
      create: (id, config, context) =>
        createAiSdkProvider(id, "ai-sdk", config as never, createMistral, context),
    },
    config: { type: "ai-sdk", options: { apiKey: conformanceFixture.canaryKey }, baseURL: mistralBaseURL },
    model: "mistral-small-latest",
    features: { streaming: true, tools: true, jsonSchema: true, logprobs: false, requestId: false },
    ...mistralScenarios,
  });
});
