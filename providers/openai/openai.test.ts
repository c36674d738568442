import { conformanceFixture, runConformanceSuite } from "../../test/conformance/index.js";
import { openaiConformanceScenarios } from "./fixtures/openai-conformance-scenarios.js";
import { openaiAdapter } from "./openai-provider.js";

const baseURL = "https://api.openai.test/v1";

runConformanceSuite({
  name: "openai",
  factory: openaiAdapter,
  config: { type: "openai", apiKey: conformanceFixture.canaryKey, baseURL },
  model: "gpt-4o-mini",
  features: { streaming: true, tools: true, jsonSchema: true, logprobs: true, requestId: true },
  ...openaiConformanceScenarios(baseURL),
});
