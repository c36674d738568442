import { conformanceFixture, runConformanceSuite } from "../../test/conformance/index.js";
import { openaiConformanceScenarios } from "../openai/fixtures/openai-conformance-scenarios.js";
import { openaiCompatibleAdapter } from "./openai-compatible-provider.js";

const vllmURL = "http://vllm.test:8000/v1";
const groqURL = "https://api.groq.test/openai/v1";

runConformanceSuite({
  name: "openai-compatible (vllm)",
  providerId: "vllm",
  factory: openaiCompatibleAdapter,
  config: {
    type: "openai-compatible",
    host: "vllm",
    baseURL: vllmURL,
    apiKey: conformanceFixture.canaryKey,
    local: true,
  },
  model: "meta-llama/Llama-3.1-8B-Instruct",
  features: { streaming: true, tools: true, jsonSchema: true, logprobs: true, requestId: true },
  ...openaiConformanceScenarios(vllmURL, { maxTokensParam: "max_tokens" }),
});

runConformanceSuite({
  name: "openai-compatible (groq)",
  providerId: "groq",
  factory: openaiCompatibleAdapter,
  config: { type: "openai-compatible", host: "groq", baseURL: groqURL, apiKey: conformanceFixture.canaryKey },
  model: "llama-3.3-70b-versatile",
  features: { streaming: true, tools: true, jsonSchema: false, logprobs: false, requestId: true },
  ...openaiConformanceScenarios(groqURL),
});
