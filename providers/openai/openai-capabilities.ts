import type { Capabilities } from "../../src/core/index.js";
import type { DroppableParam } from "./droppable-param.js";

/** What the adapter knows about one family of OpenAI models. */
export interface OpenAIModelFamily {
  /** Matched against the model id, dated snapshots included (gpt-4o-2024-08-06). */
  pattern: RegExp;
  capabilities: Partial<Capabilities>;
  /** Parameters the API rejects for this family; optional ones are dropped with a warning. */
  dropParams: readonly DroppableParam[];
}

/** Reasoning models reject sampling controls and return no log-probs. */
const reasoningDrops: readonly DroppableParam[] = [
  "temperature",
  "top_p",
  "logprobs",
  "top_logprobs",
  "logit_bias",
  "frequency_penalty",
  "presence_penalty",
];

const chat = { streaming: true, local: false, tools: true } as const;
/** Takes image input (OpenAI's model pages: GPT-4o, GPT-4.1, GPT-5, o1, o3, o4-mini, GPT-4 Turbo). */
const vision = { ...chat, vision: true } as const;

/**
 * OpenAI chat models by family, first match wins (from OpenAI's model pages: context windows,
 * output limits, log-prob and structured-output support). A policy target may still narrow or
 * extend what is listed here.
 */
export const openaiModelFamilies: readonly OpenAIModelFamily[] = [
  {
    pattern: /^gpt-4\.1(-mini|-nano)?(-\d{4}-\d{2}-\d{2})?$/,
    capabilities: {
      ...vision,
      logprobs: 20,
      jsonSchema: true,
      contextWindow: 1_047_576,
      maxOutputTokens: 32_768,
    },
    dropParams: [],
  },
  {
    pattern: /^(gpt-4o|gpt-4o-mini|chatgpt-4o-latest)(-\d{4}-\d{2}-\d{2})?$/,
    capabilities: {
      ...vision,
      logprobs: 20,
      jsonSchema: true,
      contextWindow: 128_000,
      maxOutputTokens: 16_384,
    },
    dropParams: [],
  },
  {
    pattern: /^gpt-5(\.\d+)?(-mini|-nano|-pro)?(-\d{4}-\d{2}-\d{2})?$/,
    capabilities: {
      ...vision,
      logprobs: 0,
      jsonSchema: true,
      contextWindow: 400_000,
      maxOutputTokens: 128_000,
    },
    dropParams: reasoningDrops,
  },
  {
    // o1-mini and o3-mini take text only; the other o-series models take images.
    pattern: /^o[13]-mini(-\d{4}-\d{2}-\d{2})?$/,
    capabilities: {
      ...chat,
      logprobs: 0,
      jsonSchema: true,
      contextWindow: 200_000,
      maxOutputTokens: 100_000,
    },
    dropParams: reasoningDrops,
  },
  {
    pattern: /^o\d(-mini|-pro)?(-\d{4}-\d{2}-\d{2})?$/,
    capabilities: {
      ...vision,
      logprobs: 0,
      jsonSchema: true,
      contextWindow: 200_000,
      maxOutputTokens: 100_000,
    },
    dropParams: reasoningDrops,
  },
  {
    // gpt-4-turbo-preview predates vision; gpt-4-turbo and its 2024-04-09 snapshot take images.
    pattern: /^gpt-4-turbo(-\d{4}-\d{2}-\d{2})?$/,
    capabilities: {
      ...vision,
      logprobs: 20,
      jsonSchema: false,
      contextWindow: 128_000,
      maxOutputTokens: 4_096,
    },
    dropParams: [],
  },
  {
    pattern: /^gpt-4-turbo-preview$/,
    capabilities: {
      ...chat,
      logprobs: 20,
      jsonSchema: false,
      contextWindow: 128_000,
      maxOutputTokens: 4_096,
    },
    dropParams: [],
  },
  {
    pattern: /^gpt-3\.5-turbo(-\d{4})?$/,
    capabilities: { ...chat, logprobs: 20, jsonSchema: false, contextWindow: 16_385, maxOutputTokens: 4_096 },
    dropParams: [],
  },
];

/**
 * For a model the table does not know: streaming only. Log-probs, tools, JSON schema and images are
 * claimed by nothing, so a request that needs them is routed elsewhere unless the policy's
 * target declares them.
 */
export const unknownOpenAIModel: OpenAIModelFamily = {
  pattern: /.*/,
  capabilities: {
    streaming: true,
    local: false,
    logprobs: 0,
    tools: false,
    jsonSchema: false,
    vision: false,
  },
  dropParams: [],
};

export function openaiModelFamily(model: string): OpenAIModelFamily {
  return openaiModelFamilies.find((family) => family.pattern.test(model)) ?? unknownOpenAIModel;
}
